#!/usr/bin/env python3
"""A `perf` profile of baogao watch's one-metric rebuilds, without its first build.

    python3 benches/profile_watch.py [BINARY] [--edits 16] [--out watch.perf]

Starts `baogao watch` on the report ten times the sample's length (as
benches/compare.py makes it), waits for its first PDF, and only then attaches
`perf record` (2000 Hz, DWARF call stacks) for the edits, so the profile holds
rebuilds alone. Read it with, for example,
`perf report -i watch.perf --no-children --sort sym` (add `--tid` for the
main thread, which runs load, eval and export). Needs `perf`
(Debian: linux-perf); not part of the tests.
"""
import argparse
import pathlib
import signal
import subprocess
import sys
import tempfile
import time

sys.path.insert(0, str(pathlib.Path(__file__).resolve().parent))
import compare  # noqa: E402


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("binary", nargs="?", default=str(compare.BAOGAO))
    parser.add_argument("--edits", type=int, default=16)
    parser.add_argument("--out", default="watch.perf")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as d:
        report = compare.make_report("sample-10x", pathlib.Path(d))
        pdf = pathlib.Path(d) / "watch.pdf"
        watch = subprocess.Popen([args.binary, "watch", report, "-o", pdf],
                                 stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        perf = None
        try:
            compare.wait_changed(pdf, b"", timeout=120)
            time.sleep(1)
            perf = subprocess.Popen(["perf", "record", "-F", "2000", "--call-graph", "dwarf,32768",
                                     "-o", args.out, "-p", str(watch.pid)], stderr=subprocess.DEVNULL)
            time.sleep(1)
            for n in range(args.edits):
                before = pdf.read_bytes()
                (report / "metrics.yaml").write_text(compare.metrics_with(report, 600 + n), encoding="utf-8")
                print(f"edit {n + 1}: {compare.wait_changed(pdf, before) * 1000:.1f} ms", flush=True)
                time.sleep(0.4)
        finally:
            if perf is not None:
                perf.send_signal(signal.SIGINT)
                perf.wait()
            watch.terminate()
            watch.wait()
    print(f"wrote {args.out}")


if __name__ == "__main__":
    main()

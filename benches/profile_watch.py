#!/usr/bin/env python3
"""A `perf` profile of baogao watch's one-metric rebuilds, without its first build.

    python3 benches/profile_watch.py [BINARY] [--edits 16] [--out watch.perf]

Watches the report ten times the sample's length (as benches/compare.py
makes it) with benches/watch_ab.py's edits, and attaches `perf record`
(2000 Hz, DWARF call stacks) only after the first build, so the profile
holds rebuilds alone. Read it with, for example,
`perf report -i watch.perf --no-children --sort sym` (add `--tid` for the
main thread, which runs load, eval and export). Needs `perf`
(Debian: linux-perf); not part of the tests.
"""
import argparse
import pathlib
import subprocess
import sys
import tempfile

sys.path.insert(0, str(pathlib.Path(__file__).resolve().parent))
import compare  # noqa: E402
import watch_ab  # noqa: E402


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("binary", nargs="?", default=str(compare.BAOGAO))
    parser.add_argument("--edits", type=int, default=16)
    parser.add_argument("--out", default="watch.perf")
    args = parser.parse_args()
    perf = []

    def attach(procs):
        perf.append(subprocess.Popen(["perf", "record", "-F", "2000", "--call-graph", "dwarf,32768",
                                      "-o", args.out, "-p", str(procs[0].pid)], stderr=subprocess.DEVNULL))

    with tempfile.TemporaryDirectory() as d:
        report = compare.make_report("sample-10x", pathlib.Path(d))
        try:
            times = watch_ab.alternating([(args.binary, report)], args.edits, ready=attach)[0]
        finally:
            # perf stops when the watch it is attached to has ended.
            for p in perf:
                p.wait()
    print(f"{watch_ab.medians(times)} ms (medians of {args.edits} edits, under perf); wrote {args.out}")


if __name__ == "__main__":
    main()

#!/usr/bin/env python3
"""Two baogao binaries against each other on watch rebuilds, in one run.

    python3 benches/watch_ab.py OLD_BINARY NEW_BINARY [--edits 36]

For judging a change to the rebuild path, where benches/compare.py (against
the typst CLI) is too coarse: the machine's speed drifts by more than most
changes gain. Each binary watches its own copy of the report ten times the
sample's length (as compare.py makes it), both at once, and the one-metric
edits alternate between them, as compare.py alternates baogao's and typst's:
each rebuild then starts, as there, after the other program's, with the
caches as that one left them, and both meet the same drift. It prints, for
each, the medians of the time from saving to the new PDF on disk (measured
outside, as compare.py does) and of each stage `watch --timings` reports.
On a 2-core VM two runs of the same pair differ by up to 3 ms: run it both
ways round, and confirm a gain with compare.py. Build the old binary first
and copy it aside, e.g.
`git stash; cargo build --release; cp target/release/baogao /tmp/old`.
"""
import argparse
import pathlib
import re
import statistics
import subprocess
import sys
import tempfile
import time

sys.path.insert(0, str(pathlib.Path(__file__).resolve().parent))
import compare  # noqa: E402


def alternating(watches, edits, first_value=500, ready=None):
    """Runs a `baogao watch --timings` for each `(binary, report)` at once
    and gives each `edits` one-metric saves, in turns; `ready(processes)`,
    if given, is called between the first builds and the edits. Returns,
    per watch, the times in ms: "save to PDF" and each stage of its
    rebuilds."""
    procs, outs = [], []
    try:
        for i, (binary, report) in enumerate(watches):
            out = report.parent / f"w{i}.pdf"
            out.unlink(missing_ok=True)
            procs.append(subprocess.Popen([binary, "watch", report, "-o", out, "--timings"],
                                          stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True))
            outs.append(out)
        for out in outs:
            compare.wait_changed(out, b"", timeout=120)
        if ready:
            ready(procs)
        time.sleep(0.5)
        saves = [[] for _ in watches]
        for n in range(edits):
            for i, (_, report) in enumerate(watches):
                before = outs[i].read_bytes()
                (report / "metrics.yaml").write_text(compare.metrics_with(report, first_value + n), encoding="utf-8")
                saves[i].append(compare.wait_changed(outs[i], before) * 1000)
                time.sleep(0.3)
    finally:
        for proc in procs:
            proc.terminate()
    results = []
    for proc, save in zip(procs, saves):
        times = {"save to PDF": save}
        # The first line with stages is the watch's first (cold) build.
        rebuilds = [line for line in proc.communicate()[0].splitlines() if line.startswith("load ")][1:]
        for line in rebuilds:
            for stage, ms in re.findall(r"(\w+) ([\d.]+) ms", line):
                times.setdefault(stage, []).append(float(ms))
        results.append(times)
    return results


def medians(times):
    return ", ".join(f"{stage} {statistics.median(ms):.2f}" for stage, ms in times.items())


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("binaries", nargs=2)
    parser.add_argument("--edits", type=int, default=36)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as d:
        tmp = pathlib.Path(d)
        watches = [(b, compare.make_report("sample-10x", tmp / str(i))) for i, b in enumerate(args.binaries)]
        results = alternating(watches, args.edits)
    for binary, times in zip(args.binaries, results):
        print(f"{binary}: {medians(times)} ms (medians of {len(times['save to PDF'])} edits)")


if __name__ == "__main__":
    sys.exit(main())

#!/usr/bin/env python3
"""Two baogao binaries against each other on watch rebuilds, in one run.

    python3 benches/watch_ab.py OLD_BINARY NEW_BINARY [--rounds 3] [--edits 12]

For judging a change to the rebuild path, where benches/compare.py (against
the typst CLI) is too coarse: the machine's speed drifts by more than most
changes gain. Each binary watches a copy of the report ten times the
sample's length (as compare.py makes it) for a round of one-metric edits,
the binaries taking turns round by round so that both meet the same drift.
It prints, for each, the medians of the time from saving to the new PDF on
disk (measured outside, as compare.py does) and of each stage
`watch --timings` reports. Build the old binary first and copy it aside,
e.g. `git stash; cargo build --release; cp target/release/baogao /tmp/old`.
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


def round_of(binary, report, out, first_value, edits):
    """One watch of `report` by `binary`: `edits` saves, each a new figure."""
    out.unlink(missing_ok=True)
    proc = subprocess.Popen([binary, "watch", report, "-o", out, "--timings"],
                            stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    times = {"save to PDF": []}
    try:
        compare.wait_changed(out, b"", timeout=120)
        time.sleep(0.5)
        for i in range(edits):
            before = out.read_bytes()
            (report / "metrics.yaml").write_text(compare.metrics_with(report, first_value + i), encoding="utf-8")
            times["save to PDF"].append(compare.wait_changed(out, before) * 1000)
            time.sleep(0.3)
    finally:
        proc.terminate()
        text = proc.communicate()[0]
    # The first line with stages is the watch's first (cold) build.
    rebuilds = [line for line in text.splitlines() if line.startswith("load ")][1:]
    for line in rebuilds:
        for stage, ms in re.findall(r"(\w+) ([\d.]+) ms", line):
            times.setdefault(stage, []).append(float(ms))
    return times


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("binaries", nargs=2)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--edits", type=int, default=12)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as d:
        tmp = pathlib.Path(d)
        report = compare.make_report("sample-10x", tmp)
        results = {b: {} for b in args.binaries}
        value = 500
        for _ in range(args.rounds):
            for binary in args.binaries:
                for stage, ms in round_of(binary, report, tmp / "w.pdf", value, args.edits).items():
                    results[binary].setdefault(stage, []).extend(ms)
                value += args.edits
    for binary, times in results.items():
        medians = ", ".join(f"{stage} {statistics.median(ms):.2f}" for stage, ms in times.items())
        print(f"{binary}: {medians} ms (medians of {len(times['save to PDF'])} edits)")


if __name__ == "__main__":
    sys.exit(main())

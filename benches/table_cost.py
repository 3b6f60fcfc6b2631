#!/usr/bin/env python3
"""What the appendix's metrics table costs a watch rebuild.

    python3 benches/table_cost.py [BINARY] [--edits 36]

Watches two copies of the report ten times the sample's length (as
compare.py makes it), one as it is and one without the appendix entry
`table: {metrics: all}` (the table of every metric), at once, with the
same one-metric edits in turns as benches/watch_ab.py, and prints the
medians of each. The table holds every metric, so each such edit lays
it out, tags it and writes it again.
"""
import argparse
import pathlib
import re
import sys
import tempfile

sys.path.insert(0, str(pathlib.Path(__file__).resolve().parent))
import compare  # noqa: E402
import watch_ab  # noqa: E402

ENTRY = re.compile(r"  - title: 主要指标一览\n    note: [^\n]*\n    table: \{metrics: all\}\n")


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("binary", nargs="?", default=str(compare.BAOGAO))
    parser.add_argument("--edits", type=int, default=36)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as d:
        tmp = pathlib.Path(d)
        whole = compare.make_report("sample-10x", tmp / "with")
        without = compare.make_report("sample-10x", tmp / "without")
        text = (without / "report.yaml").read_text(encoding="utf-8")
        cut = ENTRY.sub("", text)
        if cut == text:
            sys.exit("the sample's report.yaml no longer has the metrics table's entry as expected")
        (without / "report.yaml").write_text(cut, encoding="utf-8")
        results = watch_ab.alternating([(args.binary, whole), (args.binary, without)], args.edits)
    for name, times in zip(["with the table", "without it"], results):
        print(f"{name}: {watch_ab.medians(times)} ms (medians of {len(times['save to PDF'])} edits)")


if __name__ == "__main__":
    sys.exit(main())

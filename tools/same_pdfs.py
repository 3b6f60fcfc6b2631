#!/usr/bin/env python3
"""Do two baogao binaries write the same PDFs? Builds every sample in
content/, every fixture in tests/fixtures/ that builds, the sample at ten
times its length, and the sample under a few options (duplex, PDF/A-3b with
its sources attached, no standard) with both, and compares the bytes.

    python3 tools/same_pdfs.py OLD_BINARY NEW_BINARY

Exits 1 and names the reports whose PDFs differ (or that build with one
binary only). A change that must keep the bytes (a refactoring, a speed
patch) is checked with this against the binary before it.
"""
import pathlib
import shutil
import subprocess
import sys
import tempfile

ROOT = pathlib.Path(__file__).resolve().parent.parent
SAMPLE = ROOT / "content" / "shiqiao-2021"
OPTIONS = {"duplex": ["--duplex"], "a-3b-attached": ["--standard", "a-3b"], "no-standard": ["--standard", "none"]}


def reports(where):
    """(name, folder, extra arguments) of every report to compare."""
    found = [(d.name, d, []) for d in sorted((ROOT / "content").iterdir()) if (d / "report.yaml").exists()]
    found += [(f"fixture-{d.name}", d, []) for d in sorted((ROOT / "tests" / "fixtures").iterdir())
              if (d / "report.yaml").exists()]
    tenfold = where / "sample-10x"
    shutil.copytree(SAMPLE, tenfold, ignore=shutil.ignore_patterns("*.pdf"))
    text = (tenfold / "report.yaml").read_text(encoding="utf-8")
    head, rest = text.split("\nsections:\n", 1)
    sections, tail = rest.split("\nappendix:\n", 1)
    (tenfold / "report.yaml").write_text(
        head + "\nsections:\n" + (sections + "\n") * 10 + "\nappendix:\n" + tail, encoding="utf-8")
    found.append(("sample-10x", tenfold, []))
    found += [(f"sample-{name}", SAMPLE, args) for name, args in OPTIONS.items()]
    return found


def build(binary, folder, args, out):
    result = subprocess.run([binary, "build", str(folder), "-o", str(out), *args], capture_output=True)
    return out.read_bytes() if result.returncode == 0 else None


def main():
    if len(sys.argv) != 3:
        sys.exit(__doc__)
    old, new = sys.argv[1:]
    differ = []
    with tempfile.TemporaryDirectory() as tmp:
        tmp = pathlib.Path(tmp)
        for name, folder, args in reports(tmp):
            a, b = build(old, folder, args, tmp / f"{name}-old.pdf"), build(new, folder, args, tmp / f"{name}-new.pdf")
            if a is None and b is None:
                state = "fails with both"
            elif a == b:
                state = f"same ({len(a)} bytes)"
            else:
                state = "DIFFERENT" if a is not None and b is not None else "builds with one only"
                differ.append(name)
            print(f"{name:32} {state}")
    if differ:
        sys.exit(f"the PDFs differ: {', '.join(differ)}")
    print("all the same")


if __name__ == "__main__":
    main()

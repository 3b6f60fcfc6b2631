#!/usr/bin/env python3
"""Do two baogao binaries write the same PDFs? Builds every sample in
content/, every fixture in tests/fixtures/ that builds, the sample at ten
times its length, and the sample under a few options (duplex, PDF/A-3b with
its sources attached, no standard) with both, and compares the bytes.

    python3 tools/same_pdfs.py [--xmp-entries] OLD_BINARY NEW_BINARY

Exits 1 and names the reports whose PDFs differ (or that build with one
binary only). A change that must keep the bytes (a refactoring, a speed
patch) is checked with this against the binary before it.

--xmp-entries compares a binary from before the catalogue entries
(GB/T 33480, DA/T 46) went into the XMP with one after: the new PDF, with
those entries and their schemas' declarations taken out of its XMP packet
(and its offsets put back), must be the old one byte for byte.
"""
import pathlib
import re
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


ENTRIES = re.compile(rb'<rdf:Description rdf:about="" xmlns:(?:gw|da)="urn:baogao:xmp:[^"]*">.*?</rdf:Description>')
DECLARED = re.compile(rb'<rdf:li rdf:parseType="Resource"><pdfaSchema:schema>(?:GB/T 33480-2016|DA/T 46-2009)</pdfaSchema:schema>'
                      rb'.*?</rdf:Seq></pdfaSchema:property></rdf:li>')


def without_entries(pdf):
    """The PDF with the catalogue entries out of its XMP, its /Length, its
    cross-reference offsets after the packet and startxref put back."""
    start = pdf.rfind(b"<?xpacket begin=")
    end = pdf.find(b"<?xpacket end=", start)
    packet = DECLARED.sub(b"", ENTRIES.sub(b"", pdf[start:end]))
    delta = len(packet) - (end - start)
    head = re.search(rb"/Length (\d+)/Type/Metadata", pdf[:start][-80:])
    if head is None:
        return pdf
    length_at = start - 80 + head.start(1) if start >= 80 else head.start(1)
    old_length = int(head.group(1))
    new_length = str(old_length + delta).encode()
    out = pdf[:length_at] + new_length + pdf[length_at + len(head.group(1)):start] + packet + pdf[end:]
    delta += len(new_length) - len(head.group(1))
    xref = out.rfind(b"\nxref\n") + 1
    lines = out[xref:].split(b"\n")
    fixed = []
    for line in lines:
        m = re.fullmatch(rb"(\d{10}) (\d{5}) n\r?", line)
        if m and int(m.group(1)) > start:
            line = b"%010d" % (int(m.group(1)) + delta) + line[10:]
        fixed.append(line)
    out = out[:xref] + b"\n".join(fixed)
    m = re.search(rb"startxref\n(\d+)", out)
    return out[:m.start(1)] + str(int(m.group(1)) + delta).encode() + out[m.end(1):]


def main():
    args = sys.argv[1:]
    entries = "--xmp-entries" in args
    args = [a for a in args if a != "--xmp-entries"]
    if len(args) != 2:
        sys.exit(__doc__)
    old, new = args
    differ = []
    with tempfile.TemporaryDirectory() as tmp:
        tmp = pathlib.Path(tmp)
        for name, folder, args in reports(tmp):
            a, b = build(old, folder, args, tmp / f"{name}-old.pdf"), build(new, folder, args, tmp / f"{name}-new.pdf")
            if entries and b is not None:
                b = without_entries(b)
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

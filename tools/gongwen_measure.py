#!/usr/bin/env python3
"""Lays a rendered gongwen page over GB/T 9704-2012's numbers.

    cargo build && python3 tools/gongwen_measure.py [PDF]

Without PDF it builds tests/fixtures/gongwen-grid (paragraphs of Han
characters only, so every full line holds 28). It prints, in millimetres,
what the standard asks and what the page shows: text lines and widths from
`pdftotext -bbox-layout` (font boxes), ink from `pdftoppm -gray -r 300`
(the red mark, the page numbers). Needs poppler-utils; no Python packages.
"""
import re
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
MM = 25.4 / 72
DPI = 300


def lines(pdf, page):
    xml = subprocess.run(["pdftotext", "-bbox-layout", "-f", str(page), "-l", str(page), pdf, "-"],
                         capture_output=True, text=True, check=True).stdout
    found = re.findall(r'<line xMin="([\d.]+)" yMin="([\d.]+)" xMax="([\d.]+)" yMax="([\d.]+)">(.*?)</line>', xml, re.S)
    return [(float(a) * MM, float(b) * MM, float(c) * MM, float(d) * MM, "".join(re.findall(r">([^<]*)</word>", t)))
            for a, b, c, d, t in found]


def ink(pdf, page, area):
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp) / "p"
        subprocess.run(["pdftoppm", "-gray", "-r", str(DPI), "-singlefile", "-f", str(page), "-l", str(page), pdf, root],
                       check=True)
        data = (root.with_suffix(".pgm")).read_bytes()
    _, w, h, _, pixels = data.split(maxsplit=4)
    w, h = int(w), int(h)
    px = lambda mm: int(mm / 25.4 * DPI)
    xs, ys = [], []
    for y in range(px(area[1]), min(h, px(area[3]))):
        row = pixels[y * w + px(area[0]): y * w + min(w, px(area[2]))]
        dark = [i for i, v in enumerate(row) if v < 128]
        if dark:
            ys.append(y)
            xs += [dark[0] + px(area[0]), dark[-1] + px(area[0]) + 1]
    mm = lambda p: p * 25.4 / DPI
    return mm(min(xs)), mm(min(ys)), mm(max(xs)), mm(max(ys) + 1)


def main():
    if len(sys.argv) > 1:
        pdf = sys.argv[1]
    else:
        pdf = str(Path(tempfile.mkdtemp()) / "grid.pdf")
        subprocess.run([ROOT / "target/debug/baogao", "build", ROOT / "tests/fixtures/gongwen-grid", "-o", pdf], check=True)
    rows = []
    for page, left in ((3, 28.0), (2, 26.0)):
        body = [l for l in lines(pdf, page) if not l[4].startswith("—")]
        inner = [l for l in body if abs(l[0] - left) < 0.2 and not l[4].endswith("。")]
        side = "odd" if page % 2 else "even"
        rows += [
            (f"page {page} ({side}): left edge of the text", left, min(l[0] for l in body)),
            (f"page {page}: right edge of the text", left + 156, max(l[2] for l in body)),
            (f"page {page}: top of the first line", 37.0, body[0][1]),
            (f"page {page}: lines", 22, len(body)),
            (f"page {page}: line pitch (mean)", 225 / 22, (body[-1][1] - body[0][1]) / (len(body) - 1)),
            (f"page {page}: width of a full line (28 characters)", 156.0, max(l[2] - l[0] for l in inner)),
        ]
        x0, y0, x1, _ = ink(pdf, page, (0, 262.5, 210, 297))
        rows.append((f"page {page}: top of the page number's ink", 262 + 7, y0))
        if page % 2:
            rows.append((f"page {page}: right end of the page number (one character in)", 184 - 156 / 28, x1))
        else:
            rows.append((f"page {page}: left end of the page number (one character in)", 26 + 156 / 28, x0))
    mark = ink(pdf, 1, (0, 37, 210, 37 + 40))
    rows.append(("page 1: top of the red mark (35 mm below the type area)", 37 + 35, mark[1]))
    print(f"| measure | GB/T 9704-2012 | rendered | difference |\n|---|---|---|---|")
    for name, want, got in rows:
        print(f"| {name} | {want:.2f} | {got:.2f} | {got - want:+.2f} |")


if __name__ == "__main__":
    main()

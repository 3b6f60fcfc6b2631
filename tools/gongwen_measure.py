#!/usr/bin/env python3
"""Lays a rendered gongwen page over GB/T 9704-2012's numbers.

    cargo build && python3 tools/gongwen_measure.py [PDF [HEAD-PDF]]

Without PDF it builds tests/fixtures/gongwen-grid (paragraphs of Han
characters only, so every full line holds 28) and tests/fixtures/gongwen-head
(every element of the 版头: 份号, 密级, 紧急程度, 签发人; a 附注; a seal's
place). It prints, in millimetres,
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


def words(pdf):
    """Every word's box, with its page: (page, x0, y0, x1, y1, text)."""
    html = subprocess.run(["pdftotext", "-bbox", pdf, "-"], capture_output=True, text=True, check=True).stdout
    out = []
    for n, page in enumerate(html.split("<page ")[1:], start=1):
        for a, b, c, d, t in re.findall(
                r'<word xMin="([\d.]+)" yMin="([\d.]+)" xMax="([\d.]+)" yMax="([\d.]+)">([^<]*)</word>', page):
            out.append((n, float(a) * MM, float(b) * MM, float(c) * MM, float(d) * MM, t))
    return out


def grey(pdf, page):
    """Page `page` at DPI in grey: (width, height, pixels)."""
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp) / "p"
        subprocess.run(["pdftoppm", "-gray", "-r", str(DPI), "-singlefile", "-f", str(page), "-l", str(page), pdf, root],
                       check=True)
        data = (root.with_suffix(".pgm")).read_bytes()
    _, w, h, _, pixels = data.split(maxsplit=4)
    return int(w), int(h), pixels


def px(mm):
    return int(mm / 25.4 * DPI)


def rule_top(pdf, page, area):
    """The top of the first row of ink in `area` that runs most of its width (a rule)."""
    w, _, pixels = grey(pdf, page)
    for y in range(px(area[1]), px(area[3])):
        row = pixels[y * w + px(area[0]): y * w + px(area[2])]
        if sum(v < 160 for v in row) > 0.9 * len(row):
            return y * 25.4 / DPI
    raise SystemExit(f"no rule on page {page} in {area}")


def ink(pdf, page, area):
    w, h, pixels = grey(pdf, page)
    xs, ys = [], []
    for y in range(px(area[1]), min(h, px(area[3]))):
        row = pixels[y * w + px(area[0]): y * w + min(w, px(area[2]))]
        dark = [i for i, v in enumerate(row) if v < 128]
        if dark:
            ys.append(y)
            xs += [dark[0] + px(area[0]), dark[-1] + px(area[0]) + 1]
    mm = lambda p: p * 25.4 / DPI
    return mm(min(xs)), mm(min(ys)), mm(max(xs)), mm(max(ys) + 1)


def build(fixture):
    pdf = str(Path(tempfile.mkdtemp()) / f"{fixture}.pdf")
    subprocess.run([ROOT / "target/debug/baogao", "build", ROOT / "tests/fixtures" / fixture, "-o", pdf], check=True)
    return pdf


def head(pdf):
    """The 版头's elements, the 附注 and the seal's place (7.2, 7.3.5.1, 7.3.6)."""
    zi, pitch = 156 / 28, 225 / 22
    found = words(pdf)
    word = lambda text: next(w for w in found if w[5].startswith(text))
    rows = []
    for k, (name, text) in enumerate((("份号", "000012"), ("密级和保密期限", "秘密"), ("紧急程度", "特急"))):
        w = word(text)
        rows.append((f"{name}: left edge (顶格)", 28.0, w[1]))
        rows.append((f"{name}: top, line {k + 1} of the type area", 37 + k * pitch, w[2]))
    w = word("特急")
    rows.append(("紧急程度: width of 2 characters of 三号", 2 * zi, w[3] - w[1]))
    names = [w for w in found if w[5] in ("王一民", "李二华", "张三立")]
    label = word("签发人")
    number = word("番市街")
    rows.append(("签发人: right end of the first line's names (居右空一字)", 184 - zi,
                 max(w[3] for w in names if abs(w[2] - label[2]) < 1)))
    last = [w for w in names if w[2] > label[2] + 1]
    rows.append(("签发人: a later name under the first (left edges)", names[0][1], last[0][1]))
    rows.append(("发文字号: left edge (居左空一字)", 28 + zi, number[1]))
    # Different faces have different boxes: the line is the ink's foot of a Han character of each.
    # Boxes of one face share their offset from the baseline: the number
    # (仿宋, like 签发人) and the later names (楷体, like the first) lie one
    # line below the first line of names, so on the last names' baseline.
    rows.append(("发文字号: its baseline below 签发人's (same face)", pitch, number[4] - label[4]))
    rows.append(("签发人: later names' baseline below the first's", pitch, last[0][4] - names[0][4]))
    number_ink = ink(pdf, 1, (number[1], number[2], number[3], number[4] + 2))
    rule = rule_top(pdf, 1, (30, number_ink[3], 180, number_ink[3] + 10))
    rows.append(("red rule: 4 mm below the 发文字号", number_ink[3] + 4, rule))
    exact = lambda text: next(w for w in found if w[5] == text)
    date, author, note = exact("2022年3月8日"), exact("市桥街道办事处"), word("（联系人")
    left = 28 if date[0] % 2 else 26
    rows.append((f"sealed (page {date[0]}): right end of the date (右空四字)", left + 156 - 4 * zi, date[3]))
    rows.append(("sealed: the name centred over the date", (date[1] + date[3]) / 2, (author[1] + author[3]) / 2))
    # clreq: an opening bracket that starts a line gives up its blank half.
    rows.append(("附注: left edge (居左空二字; the bracket's blank half trimmed)", left + 2 * zi - 16 / 2 * MM, note[1]))
    rows.append(("附注: top, the line under the date", date[2] + pitch, note[2]))
    return rows


def main():
    pdf = sys.argv[1] if len(sys.argv) > 1 else build("gongwen-grid")
    head_pdf = sys.argv[2] if len(sys.argv) > 2 else build("gongwen-head")
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
    rows += head(head_pdf)
    print(f"| measure | GB/T 9704-2012 | rendered | difference |\n|---|---|---|---|")
    for name, want, got in rows:
        print(f"| {name} | {want:.2f} | {got:.2f} | {got - want:+.2f} |")


if __name__ == "__main__":
    main()

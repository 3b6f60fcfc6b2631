#!/usr/bin/env python3
"""Renders the README's template gallery from the real output.

    cargo build && python3 tools/gallery.py

Builds the samples of content/ with target/debug/baogao and writes
docs/gallery/<name>.png: the first two pages side by side at 45 dpi (the
photo briefing: its three), with pdftoppm from poppler-utils; Pillow joins
the pages.
"""
import pathlib
import subprocess
import tempfile

from PIL import Image

ROOT = pathlib.Path(__file__).resolve().parent.parent
SAMPLES = {
    "report": ("shiqiao-2021", 2),
    "gongwen": ("shiqiao-2021-gongwen", 2),
    "briefing": ("shiqiao-2021-briefing", 2),
    "briefing-photos": ("shiqiao-2021-briefing-photos", 3),
}

with tempfile.TemporaryDirectory() as tmp:
    tmp = pathlib.Path(tmp)
    for template, (sample, last) in SAMPLES.items():
        pdf = tmp / f"{template}.pdf"
        subprocess.run([ROOT / "target/debug/baogao", "build", ROOT / "content" / sample, "-o", pdf], check=True)
        subprocess.run(["pdftoppm", "-png", "-r", "45", "-f", "1", "-l", str(last), pdf, tmp / template], check=True)
        pages = [Image.open(p) for p in sorted(tmp.glob(f"{template}-*.png"))]
        gap = 8
        sheet = Image.new("RGB", (sum(p.width for p in pages) + gap * (len(pages) + 1), pages[0].height + 2 * gap), "#d9d9d9")
        x = gap
        for page in pages:
            sheet.paste(page, (x, gap))
            x += page.width + gap
        sheet.save(ROOT / "docs" / "gallery" / f"{template}.png", optimize=True)
        print("wrote", ROOT / "docs" / "gallery" / f"{template}.png")

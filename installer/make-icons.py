#!/usr/bin/env python3
"""Render the app icon in every size the three platforms need, from one SVG.

    python installer/make-icons.py [--svg FILE] [--out DIR]

Reads ``resources/icons/channeldesk.svg`` and writes into ``installer/icons``:

- ``hicolor/<N>x<N>/apps/<APP_ID>.png`` for the Linux icon theme (16 … 512) and
  ``hicolor/scalable/apps/<APP_ID>.svg``;
- ``channeldesk.ico`` for Windows (16, 24, 32, 48, 64, 128, 256 in one file: the
  executable, the Start menu, the uninstaller);
- ``channeldesk.icns`` for macOS (16 … 1024, the Retina sizes included);
- ``channeldesk-256.png`` for whatever else wants one picture.

Qt's own SVG renderer (QtSvg, part of PySide6, which the app already depends on) draws
each size from the vector, so small sizes are sharp instead of scaled-down bitmaps;
Pillow (already there through reportlab) packs the .ico and .icns containers.
"""

from __future__ import annotations

import argparse
import io
import os
import shutil
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
APP_ID = "com.channeldesk.ChannelDesk"
SVG = REPO / "resources" / "icons" / "channeldesk.svg"
OUT = REPO / "installer" / "icons"
HICOLOR_SIZES = (16, 22, 24, 32, 48, 64, 128, 256, 512)
ICO_SIZES = (16, 24, 32, 48, 64, 128, 256)
ICNS_SIZES = (16, 32, 64, 128, 256, 512, 1024)


def render(svg: Path, size: int) -> bytes:
    """The SVG drawn at ``size`` x ``size`` pixels, as PNG bytes with transparency."""
    from PySide6.QtCore import QBuffer, QByteArray, QIODevice, Qt
    from PySide6.QtGui import QImage, QPainter
    from PySide6.QtSvg import QSvgRenderer

    renderer = QSvgRenderer(str(svg))
    if not renderer.isValid():
        raise SystemExit(f"{svg} is not a valid SVG file.")
    image = QImage(size, size, QImage.Format.Format_ARGB32_Premultiplied)
    image.fill(Qt.GlobalColor.transparent)
    painter = QPainter(image)
    painter.setRenderHint(QPainter.RenderHint.Antialiasing)
    renderer.render(painter)
    painter.end()
    data = QByteArray()
    buffer = QBuffer(data)
    buffer.open(QIODevice.OpenModeFlag.WriteOnly)
    image.save(buffer, "PNG")
    return bytes(data)


def make_icons(svg: Path, out: Path) -> list[Path]:
    """Write every icon file; returns them in the order written."""
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    from PIL import Image
    from PySide6.QtGui import QGuiApplication

    _app = QGuiApplication.instance() or QGuiApplication(sys.argv[:1])
    sizes = sorted(set(HICOLOR_SIZES) | set(ICO_SIZES) | set(ICNS_SIZES))
    pngs = {size: render(svg, size) for size in sizes}
    written: list[Path] = []

    def write(path: Path, data: bytes) -> None:
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(data)
        written.append(path)

    for size in HICOLOR_SIZES:
        write(out / "hicolor" / f"{size}x{size}" / "apps" / f"{APP_ID}.png", pngs[size])
    write(out / "hicolor" / "scalable" / "apps" / f"{APP_ID}.svg", svg.read_bytes())
    write(out / "channeldesk-256.png", pngs[256])

    def image(size: int) -> Image.Image:
        return Image.open(io.BytesIO(pngs[size])).convert("RGBA")

    ico = io.BytesIO()
    largest = image(max(ICO_SIZES))
    largest.save(ico, format="ICO", sizes=[(s, s) for s in ICO_SIZES],
                 append_images=[image(s) for s in ICO_SIZES])
    write(out / "channeldesk.ico", ico.getvalue())
    icns = io.BytesIO()
    image(max(ICNS_SIZES)).save(icns, format="ICNS",
                                append_images=[image(s) for s in ICNS_SIZES])
    write(out / "channeldesk.icns", icns.getvalue())
    return written


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--svg", type=Path, default=SVG, help=f"default: {SVG}")
    parser.add_argument("--out", type=Path, default=OUT, help=f"default: {OUT}")
    args = parser.parse_args(argv)
    if not args.svg.is_file():
        print(f"make-icons: {args.svg} does not exist.", file=sys.stderr)
        return 2
    if (args.out / "hicolor").is_dir():
        shutil.rmtree(args.out / "hicolor")  # sizes no longer made must not linger
    written = make_icons(args.svg, args.out)
    print(f"make-icons: wrote {len(written)} files to {args.out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())

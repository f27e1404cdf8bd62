#!/usr/bin/python3
"""Render a terminal capture with ANSI escapes (`tmux capture-pane -e -p`) to a PNG.

Understands the SGR codes tmux emits: reset, bold, dim, reverse, underline, the 8/16
standard colours, 256-colour and 24-bit colours (foreground and background).
Usage: ansi_to_png.py CAPTURE.txt OUT.png [--columns N]
"""
import argparse
import re

from PIL import Image, ImageDraw, ImageFont

FONT_DIR = "/usr/share/fonts/truetype/dejavu/"
FONT_SIZE = 15
DEFAULT_FG = (220, 220, 220)
DEFAULT_BG = (24, 24, 28)
# xterm's 16 standard colours.
BASE16 = [
    (0, 0, 0), (205, 49, 49), (13, 188, 121), (229, 229, 16),
    (36, 114, 200), (188, 63, 188), (17, 168, 205), (229, 229, 229),
    (102, 102, 102), (241, 76, 76), (35, 209, 139), (245, 245, 67),
    (59, 142, 234), (214, 112, 214), (41, 184, 219), (255, 255, 255),
]
SGR = re.compile(r"\x1b\[([0-9;:]*)m")


def color256(n):
    if n < 16:
        return BASE16[n]
    if n < 232:
        n -= 16
        levels = [0, 95, 135, 175, 215, 255]
        return (levels[n // 36], levels[(n // 6) % 6], levels[n % 6])
    gray = 8 + (n - 232) * 10
    return (gray, gray, gray)


class Style:
    def __init__(self):
        self.reset()

    def reset(self):
        self.fg = None
        self.bg = None
        self.bold = False
        self.dim = False
        self.reverse = False
        self.underline = False

    def apply(self, params):
        codes = [int(p) if p else 0 for p in re.split("[;:]", params)] if params else [0]
        i = 0
        while i < len(codes):
            c = codes[i]
            if c == 0:
                self.reset()
            elif c == 1:
                self.bold = True
            elif c == 2:
                self.dim = True
            elif c == 4:
                self.underline = True
            elif c == 7:
                self.reverse = True
            elif c == 22:
                self.bold = self.dim = False
            elif c == 24:
                self.underline = False
            elif c == 27:
                self.reverse = False
            elif 30 <= c <= 37:
                self.fg = BASE16[c - 30]
            elif 90 <= c <= 97:
                self.fg = BASE16[c - 90 + 8]
            elif 40 <= c <= 47:
                self.bg = BASE16[c - 40]
            elif 100 <= c <= 107:
                self.bg = BASE16[c - 100 + 8]
            elif c == 39:
                self.fg = None
            elif c == 49:
                self.bg = None
            elif c in (38, 48) and i + 1 < len(codes):
                if codes[i + 1] == 5 and i + 2 < len(codes):
                    value = color256(codes[i + 2])
                    i += 2
                elif codes[i + 1] == 2 and i + 4 < len(codes):
                    value = tuple(codes[i + 2:i + 5])
                    i += 4
                else:
                    value = None
                if c == 38:
                    self.fg = value
                else:
                    self.bg = value
            i += 1

    def colors(self):
        fg = self.fg or DEFAULT_FG
        bg = self.bg or DEFAULT_BG
        if self.reverse:
            fg, bg = bg, fg
        if self.dim:
            fg = tuple(int(v * 0.6) for v in fg)
        return fg, bg


def parse(text):
    """Lines of (char, fg, bg, bold, underline) cells."""
    style = Style()
    lines = []
    for raw in text.split("\n"):
        cells = []
        position = 0
        for match in SGR.finditer(raw):
            for ch in raw[position:match.start()]:
                fg, bg = style.colors()
                cells.append((ch, fg, bg, style.bold, style.underline))
            style.apply(match.group(1))
            position = match.end()
        for ch in raw[position:]:
            fg, bg = style.colors()
            cells.append((ch, fg, bg, style.bold, style.underline))
        lines.append(cells)
    while lines and not lines[-1]:
        lines.pop()
    return lines


def render(lines, columns, out):
    regular = ImageFont.truetype(FONT_DIR + "DejaVuSansMono.ttf", FONT_SIZE)
    bold = ImageFont.truetype(FONT_DIR + "DejaVuSansMono-Bold.ttf", FONT_SIZE)
    left, top, right, bottom = regular.getbbox("M")
    cell_w = regular.getlength("M")
    cell_h = int(FONT_SIZE * 1.35)
    width = int(cell_w * columns) + 16
    height = cell_h * max(len(lines), 1) + 16
    image = Image.new("RGB", (width, height), DEFAULT_BG)
    draw = ImageDraw.Draw(image)
    for row, cells in enumerate(lines):
        y = 8 + row * cell_h
        for col, (ch, fg, bg, is_bold, underline) in enumerate(cells[:columns]):
            x = 8 + col * cell_w
            if bg != DEFAULT_BG:
                draw.rectangle([x, y, x + cell_w, y + cell_h], fill=bg)
            if ch == "█":  # draw full blocks as cells so bars have no gaps
                draw.rectangle([x, y + 1, x + cell_w, y + cell_h - 1], fill=fg)
            elif ch != " ":
                draw.text((x, y + 2), ch, font=bold if is_bold else regular, fill=fg)
            if underline:
                draw.line([x, y + cell_h - 2, x + cell_w, y + cell_h - 2], fill=fg)
    image.save(out)


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("capture")
    parser.add_argument("output")
    parser.add_argument("--columns", type=int, default=0)
    args = parser.parse_args()
    with open(args.capture, encoding="utf-8", errors="replace") as handle:
        lines = parse(handle.read())
    columns = args.columns or max((len(line) for line in lines), default=80)
    render(lines, columns, args.output)


if __name__ == "__main__":
    main()

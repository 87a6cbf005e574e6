"""Renders what `sspr` printed for a QR code the way a terminal would, into a PNG, and decodes it with zbarimg.

Only what the QR drawing uses is emulated: SGR colours (30-37, 40-47, 0/39/49 defaults) and the half-block
characters. `scheme` is the terminal's default colours: "light" (black on white) or "dark" (white on black);
the picture gets a wide border in the terminal's background, as a real screen around the drawing has."""
import re
import subprocess

from PIL import Image

BLACK, WHITE = (0, 0, 0), (255, 255, 255)
ANSI = {0: (0, 0, 0), 1: (205, 0, 0), 2: (0, 205, 0), 3: (205, 205, 0), 4: (0, 0, 238), 5: (205, 0, 205),
        6: (0, 205, 205), 7: (229, 229, 229)}
SGR = re.compile(r"\x1b\[([0-9;]*)m")
HALVES = {" ": (False, False), "\u2580": (True, False), "\u2584": (False, True), "\u2588": (True, True)}


def cells(line, scheme):
    """(top colour, bottom colour) per character of one line."""
    default_fg, default_bg = (BLACK, WHITE) if scheme == "light" else (WHITE, BLACK)
    fg, bg = default_fg, default_bg
    out, pos = [], 0
    for m in SGR.finditer(line + "\x1b[m"):
        for ch in line[pos:m.start()]:
            top, bottom = HALVES.get(ch, (False, False))
            out.append((fg if top else bg, fg if bottom else bg))
        for code in [int(c) for c in (m.group(1) or "0").split(";") if c]:
            if code == 0:
                fg, bg = default_fg, default_bg
            elif code == 39:
                fg = default_fg
            elif code == 49:
                bg = default_bg
            elif 30 <= code <= 37:
                fg = ANSI[code - 30]
            elif 40 <= code <= 47:
                bg = ANSI[code - 40]
        pos = m.end()
    return out


def render(lines, scheme, scale=6, border=8):
    rows = [cells(l, scheme) for l in lines]
    width = max(len(r) for r in rows)
    background = WHITE if scheme == "light" else BLACK
    img = Image.new("RGB", ((width + 2 * border) * scale, (2 * len(rows) + 2 * border) * scale), background)
    px = img.load()
    for y, row in enumerate(rows):
        for x, (top, bottom) in enumerate(row):
            for half, colour in ((0, top), (1, bottom)):
                for dy in range(scale):
                    for dx in range(scale):
                        px[(x + border) * scale + dx, (2 * y + half + border) * scale + dy] = colour
    return img


def qr_lines(output):
    """The lines of the drawing in `output` (those that carry half blocks or start with an SGR sequence)."""
    return [l for l in output.splitlines() if l.startswith("\x1b[") or any(c in l for c in "\u2580\u2584\u2588")]


def decode(output, scheme, path):
    render(qr_lines(output), scheme).save(path)
    r = subprocess.run(["zbarimg", "--quiet", "--raw", str(path)], capture_output=True, text=True)
    return r.stdout.strip() if r.returncode == 0 else None


if __name__ == "__main__":
    # Run by Debian's /usr/bin/python3 (python3-pil), whatever interpreter runs pytest.
    import sys
    text = open(sys.argv[1], encoding="utf-8").read()
    decoded = decode(text, sys.argv[2], sys.argv[3])
    print(decoded if decoded is not None else "")
    sys.exit(0 if decoded is not None else 1)

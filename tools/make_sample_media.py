#!/usr/bin/env python3
"""
make_sample_media.py - draws the few illustrations used by the bundled sample
FAQ (assets/content/sample/media/*.png) and writes them as PNG files.

Standard library only (zlib + struct write the PNG), so it runs on any
machine with Python 3 and its output is byte-for-byte the same every time:
re-running it after a change shows up as a clean diff of the images that
really changed. It must not fetch anything, read fonts or draw text: the
pictures carry no words, so one image serves every locale and the article's
alt text (in each locale) says what it shows.

Usage: python3 tools/make_sample_media.py [OUT_DIR]
       (default OUT_DIR: assets/content/sample/media next to this script's repo)
"""
import math
import os
import struct
import sys
import zlib

# Supersampling factor: shapes are drawn at SS times the size and averaged
# down, which gives smooth edges without an anti-aliasing rasteriser.
SS = 3


def hex_rgb(h):
    h = h.lstrip("#")
    return (int(h[0:2], 16), int(h[2:4], 16), int(h[4:6], 16))


class Canvas:
    """An RGB raster at SS x the output size; coordinates are output pixels."""

    def __init__(self, w, h, bg):
        self.w, self.h = w, h
        self.W, self.H = w * SS, h * SS
        r, g, b = hex_rgb(bg)
        self.px = bytearray(bytes((r, g, b)) * (self.W * self.H))

    def _fill(self, x0, y0, x1, y1, inside, colour):
        """Sets every high-res pixel in the box for which inside(x, y) holds
        (x, y in output units, at the pixel centre)."""
        r, g, b = hex_rgb(colour)
        X0 = max(0, int(math.floor(x0 * SS)))
        Y0 = max(0, int(math.floor(y0 * SS)))
        X1 = min(self.W, int(math.ceil(x1 * SS)) + 1)
        Y1 = min(self.H, int(math.ceil(y1 * SS)) + 1)
        px = self.px
        for Y in range(Y0, Y1):
            y = (Y + 0.5) / SS
            row = Y * self.W
            for X in range(X0, X1):
                if inside((X + 0.5) / SS, y):
                    i = (row + X) * 3
                    px[i] = r
                    px[i + 1] = g
                    px[i + 2] = b

    def rect(self, x, y, w, h, colour, radius=0.0):
        rad = min(radius, w / 2, h / 2)

        def inside(px, py):
            if rad <= 0:
                return True
            cx = min(max(px, x + rad), x + w - rad)
            cy = min(max(py, y + rad), y + h - rad)
            return (px - cx) ** 2 + (py - cy) ** 2 <= rad * rad

        self._fill(x, y, x + w, y + h, inside, colour)

    def ellipse(self, cx, cy, rx, ry, colour):
        self._fill(cx - rx, cy - ry, cx + rx, cy + ry,
                   lambda px, py: ((px - cx) / rx) ** 2 + ((py - cy) / ry) ** 2 <= 1.0, colour)

    def circle(self, cx, cy, r, colour):
        self.ellipse(cx, cy, r, r, colour)

    def line(self, x0, y0, x1, y1, width, colour):
        """A straight stroke with round caps."""
        hw = width / 2.0
        dx, dy = x1 - x0, y1 - y0
        ll = dx * dx + dy * dy or 1e-9

        def inside(px, py):
            t = ((px - x0) * dx + (py - y0) * dy) / ll
            t = min(1.0, max(0.0, t))
            qx, qy = x0 + t * dx - px, y0 + t * dy - py
            return qx * qx + qy * qy <= hw * hw

        self._fill(min(x0, x1) - hw, min(y0, y1) - hw, max(x0, x1) + hw, max(y0, y1) + hw,
                   inside, colour)

    def polyline(self, pts, width, colour):
        for (a, b) in zip(pts, pts[1:]):
            self.line(a[0], a[1], b[0], b[1], width, colour)

    def dashed(self, x0, y0, x1, y1, width, colour, dash=14.0, gap=10.0):
        length = math.hypot(x1 - x0, y1 - y0)
        ux, uy = (x1 - x0) / length, (y1 - y0) / length
        s = 0.0
        while s < length:
            e = min(length, s + dash)
            self.line(x0 + ux * s, y0 + uy * s, x0 + ux * e, y0 + uy * e, width, colour)
            s = e + gap

    def polygon(self, pts, colour):
        xs = [p[0] for p in pts]
        ys = [p[1] for p in pts]

        def inside(px, py):
            c = False
            j = len(pts) - 1
            for i in range(len(pts)):
                xi, yi = pts[i]
                xj, yj = pts[j]
                if (yi > py) != (yj > py) and px < (xj - xi) * (py - yi) / (yj - yi) + xi:
                    c = not c
                j = i
            return c

        self._fill(min(xs), min(ys), max(xs), max(ys), inside, colour)

    def arrow(self, x0, y0, x1, y1, width, colour, head=None):
        head = head or width * 3.2
        ang = math.atan2(y1 - y0, x1 - x0)
        bx, by = x1 - head * math.cos(ang), y1 - head * math.sin(ang)
        self.line(x0, y0, bx, by, width, colour)
        nx, ny = -math.sin(ang), math.cos(ang)
        hw = head * 0.62
        self.polygon([(x1, y1), (bx + nx * hw, by + ny * hw), (bx - nx * hw, by - ny * hw)], colour)

    def check(self, cx, cy, size, colour):
        self.polyline([(cx - size * 0.5, cy), (cx - size * 0.15, cy + size * 0.35),
                       (cx + size * 0.55, cy - size * 0.4)], size * 0.22, colour)

    def cross(self, cx, cy, size, colour):
        s = size / 2
        self.line(cx - s, cy - s, cx + s, cy + s, size * 0.22, colour)
        self.line(cx - s, cy + s, cx + s, cy - s, size * 0.22, colour)

    def png(self):
        """Averages SS x SS blocks down to the output size and encodes a PNG."""
        out = bytearray()
        W, n = self.W, SS * SS
        px = self.px
        for y in range(self.h):
            out.append(0)  # filter type 0 (None) for this scanline
            for x in range(self.w):
                r = g = b = 0
                for sy in range(SS):
                    base = ((y * SS + sy) * W + x * SS) * 3
                    for sx in range(SS):
                        i = base + sx * 3
                        r += px[i]
                        g += px[i + 1]
                        b += px[i + 2]
                out += bytes(((r + n // 2) // n, (g + n // 2) // n, (b + n // 2) // n))

        def chunk(tag, data):
            body = tag + data
            return struct.pack(">I", len(data)) + body + struct.pack(">I", zlib.crc32(body) & 0xFFFFFFFF)

        ihdr = struct.pack(">IIBBBBB", self.w, self.h, 8, 2, 0, 0, 0)  # 8-bit RGB
        return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", ihdr) +
                chunk(b"IDAT", zlib.compress(bytes(out), 9)) + chunk(b"IEND", b""))


BG = "#f4f6f9"
INK = "#2b3440"
TEAL = "#138a8a"
ORANGE = "#e07a1f"
RED = "#c8322f"
GREEN = "#2e9b4f"
GREY = "#b9c1cc"


def wallet(c, x, y, badge):
    """A phone-like wallet card with a network badge."""
    c.rect(x, y, 120, 170, INK, 18)
    c.rect(x + 8, y + 14, 104, 132, "#ffffff", 8)
    c.circle(x + 60, y + 158, 5, "#5b6675")
    c.rect(x + 22, y + 34, 76, 46, "#dfe6ee", 8)   # balance card
    c.rect(x + 22, y + 92, 76, 10, "#dfe6ee", 5)
    c.rect(x + 22, y + 110, 50, 10, "#dfe6ee", 5)
    c.circle(x + 98, y + 34, 15, badge)            # network badge


def network_match():
    """Sending: both wallets on network A (teal) get through; a transfer on
    network B (orange) does not reach a wallet that isn't watching it."""
    c = Canvas(640, 300, BG)
    wallet(c, 40, 65, TEAL)
    wallet(c, 480, 65, TEAL)
    # network A lane: solid, arrow reaches the receiver, check mark
    c.rect(175, 100, 290, 30, "#d3eeee", 15)
    c.arrow(190, 115, 458, 115, 9, TEAL)
    c.circle(320, 70, 22, GREEN)
    c.check(320, 70, 24, "#ffffff")
    # network B lane: dashed, stops short, red cross
    c.rect(175, 185, 290, 30, "#f7e3cf", 15)
    c.dashed(190, 200, 380, 200, 9, ORANGE)
    c.circle(415, 200, 22, RED)
    c.cross(415, 200, 20, "#ffffff")
    return c


def headset_fit():
    """Side view of a head wearing a headset: the back strap sits low behind
    the head, the top strap runs over the crown and carries the weight."""
    c = Canvas(480, 360, BG)
    skin, hair = "#e9c9a8", "#5a4636"
    cx, cy, rx, ry = 245, 178, 100, 112
    c.rect(205, 255, 72, 80, skin, 20)                 # neck
    c.ellipse(cx - 14, cy - 6, rx, ry, hair)           # hair at the back and top
    c.ellipse(cx, cy, rx, ry, skin)                    # head, facing right
    c.polygon([(338, 204), (362, 232), (334, 236)], skin)  # nose below the visor
    c.ellipse(222, 186, 15, 22, "#d9b28e")             # ear
    # top strap: an arc over the crown, from the visor to the back of the head
    arc = []
    for i in range(25):
        t = -1.05 - (3.62 - 1.05) * i / 24.0
        arc.append((cx + (rx - 10) * math.cos(t), cy + (ry - 10) * math.sin(t)))
    c.polyline([(300, 132)] + arc, 12, "#4f8fd6")
    # back strap: from the side of the visor down to the dial, low on the head
    c.line(300, 176, 160, 232, 14, "#2f6fb3")
    c.circle(160, 232, 17, "#1f4f86")                  # adjustment dial
    c.circle(160, 232, 6, "#9cc3ef")
    # the visor over the eyes
    c.rect(292, 126, 98, 76, INK, 20)
    c.rect(300, 190, 82, 8, "#4a5665", 4)
    # a check mark where the back strap should sit: below the bump of the skull
    c.circle(88, 292, 26, GREEN)
    c.check(88, 292, 28, "#ffffff")
    c.dashed(110, 276, 144, 248, 4, GREEN, 8, 6)
    return c


def person(c, cx, cy, colour, r=16):
    c.circle(cx, cy, r, colour)
    c.circle(cx, cy, r * 0.45, "#ffffff")


def vr_safety_area():
    """Top view of the booth: mat, boundary inside its edge, visitor in the
    middle facing the screen, staff member outside, queue behind a rope."""
    c = Canvas(480, 480, "#e6e9ee")
    c.rect(90, 22, 300, 18, INK, 6)                    # the screen on the wall
    c.rect(105, 70, 270, 270, "#9fc4ea", 22)           # the soft mat
    c.rect(121, 86, 238, 238, "#b8d4f0", 16)
    for (x0, y0, x1, y1) in ((125, 90, 355, 90), (355, 90, 355, 320),
                             (355, 320, 125, 320), (125, 320, 125, 90)):
        c.dashed(x0, y0, x1, y1, 4, "#1b6fc2", 12, 8)  # the boundary grid line
    person(c, 240, 205, "#1f4f86", 20)                 # visitor, centre of the mat
    c.arrow(240, 180, 240, 128, 7, "#1f4f86")          # facing the screen
    person(c, 415, 205, ORANGE, 17)                    # staff member beside the area
    c.dashed(60, 385, 420, 385, 6, "#8a6a4a", 16, 10)  # rope
    c.circle(60, 385, 8, "#8a6a4a")
    c.circle(420, 385, 8, "#8a6a4a")
    for x in (150, 210, 270, 330):                     # visitors waiting their turn
        person(c, x, 435, GREY, 15)
    return c


IMAGES = {
    "network_match.png": network_match,
    "headset_fit.png": headset_fit,
    "vr_safety_area.png": vr_safety_area,
}


def main(argv):
    here = os.path.dirname(os.path.abspath(__file__))
    out_dir = argv[1] if len(argv) > 1 else os.path.join(here, "..", "assets", "content", "sample", "media")
    os.makedirs(out_dir, exist_ok=True)
    for name, draw in IMAGES.items():
        data = draw().png()
        path = os.path.join(out_dir, name)
        tmp = path + ".tmp"
        with open(tmp, "wb") as f:
            f.write(data)
        os.replace(tmp, path)  # never leave a half-written image behind
        print("%s: %d bytes" % (os.path.normpath(path), len(data)))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))

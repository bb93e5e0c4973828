"""Draw the starter course's card image (routes from Baku to the capitals the RTCM serves) as a PNG, with no imaging library."""
import argparse
import math
import struct
import sys
import zlib
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
TARGET = ROOT / "course_content" / "static" / "rtcm_course_image.png"
WIDTH, HEIGHT = 960, 540

# (longitude, latitude) of the hub and of capitals in the region the centre trains officials from.
HUB = (49.87, 40.41)  # Baku
CITIES = [
    (28.86, 47.01), (30.52, 50.45), (27.56, 53.90), (44.79, 41.72), (32.86, 39.93),
    (51.39, 35.69), (58.38, 37.95), (69.24, 41.30), (74.59, 42.87), (68.78, 38.56),
    (71.43, 51.13), (37.62, 55.76),
]
TOP_COLOUR, BOTTOM_COLOUR = (11, 37, 69), (19, 94, 124)
ROUTE_COLOUR, CITY_COLOUR, HUB_COLOUR = (142, 202, 230), (236, 244, 248), (255, 183, 3)


class Canvas:
    """An RGB raster with coverage-based (anti-aliased) shape compositing."""

    def __init__(self, width, height):
        self.width, self.height = width, height
        self.pixels = [[0.0, 0.0, 0.0] for _ in range(width * height)]

    def gradient(self, top, bottom):
        """Fill with a vertical gradient from `top` to `bottom`, lightened towards the hub's side."""
        for y in range(self.height):
            t = y / (self.height - 1)
            row = [top[c] + (bottom[c] - top[c]) * t for c in range(3)]
            for x in range(self.width):
                glow = 0.12 * math.exp(-((x - self.width * 0.45) ** 2 + (y - self.height * 0.6) ** 2) / 90000.0)
                self.pixels[y * self.width + x] = [v + (255 - v) * glow for v in row]

    def composite(self, mask, colour, opacity=1.0):
        """Blend `colour` over the canvas where `mask` ({index: coverage 0..1}) covers it."""
        for index, coverage in mask.items():
            alpha = min(1.0, coverage) * opacity
            pixel = self.pixels[index]
            for c in range(3):
                pixel[c] += (colour[c] - pixel[c]) * alpha

    def disc_mask(self, cx, cy, radius, mask=None, inner=0.0):
        """Add the anti-aliased disc (or ring, when `inner` > 0) at (cx, cy) to `mask`, keeping maximum coverage."""
        mask = {} if mask is None else mask
        for y in range(max(0, int(cy - radius - 2)), min(self.height, int(cy + radius + 3))):
            for x in range(max(0, int(cx - radius - 2)), min(self.width, int(cx + radius + 3))):
                distance = math.hypot(x + 0.5 - cx, y + 0.5 - cy)
                coverage = min(1.0, max(0.0, radius + 0.5 - distance))
                if inner:
                    coverage = min(coverage, min(1.0, max(0.0, distance - inner + 0.5)))
                if coverage > 0:
                    index = y * self.width + x
                    if coverage > mask.get(index, 0.0):
                        mask[index] = coverage
        return mask

    def curve_mask(self, start, control, end, width):
        """The mask of a quadratic Bézier stroke of `width` pixels."""
        mask = {}
        length = math.dist(start, control) + math.dist(control, end)
        samples = max(2, int(length * 1.5))
        for i in range(samples + 1):
            t = i / samples
            x = (1 - t) ** 2 * start[0] + 2 * (1 - t) * t * control[0] + t ** 2 * end[0]
            y = (1 - t) ** 2 * start[1] + 2 * (1 - t) * t * control[1] + t ** 2 * end[1]
            self.disc_mask(x, y, width / 2, mask)
        return mask

    def png(self):
        """The canvas encoded as PNG bytes (8-bit RGB, no interlace)."""
        raw = bytearray()
        for y in range(self.height):
            raw.append(0)
            for pixel in self.pixels[y * self.width:(y + 1) * self.width]:
                raw.extend(max(0, min(255, round(v))) for v in pixel)

        def chunk(kind, data):
            body = kind + data
            return struct.pack(">I", len(data)) + body + struct.pack(">I", zlib.crc32(body) & 0xFFFFFFFF)

        header = struct.pack(">IIBBBBB", self.width, self.height, 8, 2, 0, 0, 0)
        return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header)
                + chunk(b"IDAT", zlib.compress(bytes(raw), 9)) + chunk(b"IEND", b""))


def project(lon, lat):
    """Map a (longitude, latitude) in the region to canvas pixels (equirectangular, with margins)."""
    x = 70 + (lon - 25.0) / (78.0 - 25.0) * (WIDTH - 140)
    y = 60 + (57.0 - lat) / (57.0 - 33.0) * (HEIGHT - 120)
    return x, y


def draw():
    """The course image as a Canvas."""
    canvas = Canvas(WIDTH, HEIGHT)
    canvas.gradient(TOP_COLOUR, BOTTOM_COLOUR)
    hub = project(*HUB)
    for ring in (150, 105, 60):
        canvas.composite(canvas.disc_mask(*hub, ring, inner=ring - 1.5), ROUTE_COLOUR, 0.18)
    for lon, lat in CITIES:
        city = project(lon, lat)
        middle = ((hub[0] + city[0]) / 2, (hub[1] + city[1]) / 2)
        dx, dy = city[0] - hub[0], city[1] - hub[1]
        # Bend every route to the same side so the network reads as arcs around the hub.
        control = (middle[0] - dy * 0.22, middle[1] + dx * 0.22)
        canvas.composite(canvas.curve_mask(hub, control, city, 2.6), ROUTE_COLOUR, 0.75)
    for lon, lat in CITIES:
        city = project(lon, lat)
        canvas.composite(canvas.disc_mask(*city, 11), ROUTE_COLOUR, 0.25)
        canvas.composite(canvas.disc_mask(*city, 6), CITY_COLOUR)
    canvas.composite(canvas.disc_mask(*hub, 24), HUB_COLOUR, 0.3)
    canvas.composite(canvas.disc_mask(*hub, 13), HUB_COLOUR)
    canvas.composite(canvas.disc_mask(*hub, 5), TOP_COLOUR)
    return canvas


def main(argv=None):
    """Command line: write the PNG (default: the course's static folder) and print its path."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--output", default=str(TARGET))
    args = parser.parse_args(argv)
    Path(args.output).write_bytes(draw().png())
    print(args.output)
    return 0


if __name__ == "__main__":
    sys.exit(main())

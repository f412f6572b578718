"""Pictures in tests: a small PNG codec (8-bit RGB and RGBA), image differences with a
per-channel fuzz, artifacts written on failure, reference images."""
import os
import struct
import zlib

from locations import ARTIFACT_DIR, REFERENCE_DIR
from tap import TestFailure


class Image:
    """8-bit RGB(A) pixels, rows top to bottom, as a list of bytearrays (RGB)."""

    def __init__(self, width, height, rows):
        self.width, self.height, self.rows = width, height, rows

    def pixel(self, x, y):
        r = self.rows[y]
        return (r[3 * x], r[3 * x + 1], r[3 * x + 2])

    def crop(self, x, y, w, h):
        return Image(w, h, [bytearray(self.rows[yy][3 * x:3 * (x + w)]) for yy in range(y, y + h)])

    def count_distinct(self, limit=64):
        seen = set()
        for row in self.rows[::max(1, self.height // 64)]:
            for i in range(0, len(row), 3 * max(1, self.width // 64)):
                seen.add(bytes(row[i:i + 3]))
                if len(seen) >= limit:
                    return len(seen)
        return len(seen)


def png_read(path):
    with open(path, "rb") as f:
        data = f.read()
    if data[:8] != b"\x89PNG\r\n\x1a\n":
        raise TestFailure("%s is not a PNG" % path)
    pos, idat, width = 8, b"", None
    while pos < len(data):
        length, kind = struct.unpack(">I4s", data[pos:pos + 8])
        body = data[pos + 8:pos + 8 + length]
        pos += 12 + length
        if kind == b"IHDR":
            width, height, depth, ctype, _, _, interlace = struct.unpack(">IIBBBBB", body)
            if depth != 8 or ctype not in (2, 6) or interlace:
                raise TestFailure("%s: unsupported PNG (depth %d type %d)" % (path, depth, ctype))
            channels = 3 if ctype == 2 else 4
        elif kind == b"IDAT":
            idat += body
        elif kind == b"IEND":
            break
    raw = zlib.decompress(idat)
    stride = width * channels
    rows, prev = [], bytearray(stride)
    for y in range(height):
        base = y * (stride + 1)
        ftype = raw[base]
        line = bytearray(raw[base + 1:base + 1 + stride])
        for i in range(stride):
            a = line[i - channels] if i >= channels else 0
            b = prev[i]
            c = prev[i - channels] if i >= channels else 0
            if ftype == 1:
                line[i] = (line[i] + a) & 0xff
            elif ftype == 2:
                line[i] = (line[i] + b) & 0xff
            elif ftype == 3:
                line[i] = (line[i] + ((a + b) >> 1)) & 0xff
            elif ftype == 4:
                p = a + b - c
                pa, pb, pc = abs(p - a), abs(p - b), abs(p - c)
                pred = a if pa <= pb and pa <= pc else (b if pb <= pc else c)
                line[i] = (line[i] + pred) & 0xff
        prev = line
        if channels == 4:
            rgb = bytearray(width * 3)
            rgb[0::3], rgb[1::3], rgb[2::3] = line[0::4], line[1::4], line[2::4]
            rows.append(rgb)
        else:
            rows.append(line)
    return Image(width, height, rows)


def png_write(path, image):
    png_write_rows(path, image.width, image.height, image.rows)


def png_write_rows(path, width, height, rows, alpha=False):
    """Writes 8-bit rows of RGB (or RGBA with alpha) bytes, top row first, as a PNG."""
    raw = b"".join(b"\x00" + bytes(r) for r in rows)

    def chunk(kind, body):
        return struct.pack(">I", len(body)) + kind + body + struct.pack(">I", zlib.crc32(kind + body) & 0xffffffff)

    with open(path, "wb") as f:
        f.write(b"\x89PNG\r\n\x1a\n")
        f.write(chunk(b"IHDR", struct.pack(">IIBBBBB", width, height, 8, 6 if alpha else 2, 0, 0, 0)))
        f.write(chunk(b"IDAT", zlib.compress(raw, 6)))
        f.write(chunk(b"IEND", b""))


def image_diff(a, b, fuzz):
    """Returns (count of pixels off by more than fuzz in any channel, diff image)."""
    if (a.width, a.height) != (b.width, b.height):
        return a.width * a.height or 1, None
    bad, rows = 0, []
    for ra, rb in zip(a.rows, b.rows):
        out = bytearray(len(ra))
        for i in range(0, len(ra), 3):
            if (abs(ra[i] - rb[i]) > fuzz or abs(ra[i + 1] - rb[i + 1]) > fuzz or
                    abs(ra[i + 2] - rb[i + 2]) > fuzz):
                bad += 1
                out[i] = 255
            else:
                out[i] = out[i + 1] = out[i + 2] = ra[i] // 4
        rows.append(out)
    return bad, Image(a.width, a.height, rows)


def save_artifact(name, image):
    os.makedirs(ARTIFACT_DIR, exist_ok=True)
    path = os.path.join(ARTIFACT_DIR, name)
    png_write(path, image)
    return path


def compare_with_reference(image, reference_name, fuzz=2):
    """Compares with tests/reference/<name>; writes the shot and a diff PNG on mismatch."""
    ref_path = os.path.join(REFERENCE_DIR, reference_name)
    if os.environ.get("PORTHOLE_UPDATE_REFERENCES"):
        png_write(ref_path, image)
        return
    reference = png_read(ref_path)
    bad, diff = image_diff(image, reference, fuzz)
    if bad:
        stem = reference_name[:-4]
        shot = save_artifact(stem + "-actual.png", image)
        where = shot
        if diff is not None:
            where += ", " + save_artifact(stem + "-diff.png", diff)
        raise TestFailure("%s: %d pixels differ beyond fuzz %d (%dx%d vs %dx%d); see %s" % (
            reference_name, bad, fuzz, image.width, image.height, reference.width,
            reference.height, where))

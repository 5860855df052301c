"""Hostile workbooks, written in tmp at test time (never committed): zip bombs, huge cells and shared-string tables,
sheets that reach column XFD or a million rows. The large parts are made of repeated deflate blocks, so a 1 GB part
costs a few MB and well under a second to write."""
from __future__ import annotations

import io
import struct
import zipfile
import zlib
from pathlib import Path

import openpyxl

BLOCK = 1 << 20


def _deflate(data: bytes, level: int = 9) -> bytes:
    c = zlib.compressobj(level, zlib.DEFLATED, -15)
    return c.compress(data) + c.flush(zlib.Z_FULL_FLUSH)


class Part:
    """A zip member given as prefix + `filler` × `repeat` + suffix, compressed block by block."""

    def __init__(self, name: str, prefix: bytes, filler: bytes = b"", repeat: int = 0, suffix: bytes = b"",
                 level: int = 9):
        self.name = name
        body = _deflate(filler, level) if repeat else b""
        end = zlib.compressobj(9, zlib.DEFLATED, -15)
        self.compressed = _deflate(prefix) + body * repeat + end.compress(suffix) + end.flush()
        self.size = len(prefix) + len(filler) * repeat + len(suffix)
        crc = zlib.crc32(prefix)
        for _ in range(repeat):
            crc = zlib.crc32(filler, crc)
        self.crc = zlib.crc32(suffix, crc) & 0xFFFFFFFF


def write_zip(path: Path, parts: list[Part]) -> Path:
    out, central = io.BytesIO(), io.BytesIO()
    for p in parts:
        name = p.name.encode()
        offset = out.tell()
        out.write(struct.pack("<IHHHHHIIIHH", 0x04034B50, 20, 0, 8, 0, 0, p.crc, len(p.compressed), p.size,
                              len(name), 0) + name + p.compressed)
        central.write(struct.pack("<IHHHHHHIIIHHHHHII", 0x02014B50, 20, 20, 0, 8, 0, 0, p.crc, len(p.compressed),
                                  p.size, len(name), 0, 0, 0, 0, 0, offset) + name)
    cd = central.getvalue()
    start = out.tell()
    out.write(cd + struct.pack("<IHHHHIIH", 0x06054B50, 0, 0, len(parts), len(parts), len(cd), start, 0))
    path.write_bytes(out.getvalue())
    return path


def base_parts(sheet: str = "Kinh phí") -> dict[str, Part]:
    """The parts of a small real workbook, to which a test swaps in one hostile part."""
    wb = openpyxl.Workbook()
    wb.active.title = sheet
    wb.active.append(["Tỉnh/thành", "Năm", "Nguồn", "Kế hoạch (triệu đồng)", "Thực hiện (triệu đồng)"])
    buf = io.BytesIO()
    wb.save(buf)
    z = zipfile.ZipFile(buf)
    return {n: Part(n, z.read(n)) for n in z.namelist()}


SHEET_HEAD = (b'<?xml version="1.0" encoding="UTF-8"?><worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/'
              b'2006/main">')


def with_part(path: Path, part: Part, extra: list[Part] = ()) -> Path:
    parts = base_parts()
    parts[part.name] = part
    for p in extra:
        parts[p.name] = p
    return write_zip(path, list(parts.values()))


def zip_bomb(path: Path) -> Path:
    """1 GB of zeros as the sheet, in about a megabyte."""
    return with_part(path, Part("xl/worksheets/sheet1.xml", SHEET_HEAD, b"0" * BLOCK, 1024))


def huge_cell(path: Path) -> Path:
    """One inline-string cell of 1,5 GB."""
    return with_part(path, Part("xl/worksheets/sheet1.xml", SHEET_HEAD + b'<sheetData><row r="1"><c r="A1" '
                                b't="inlineStr"><is><t>', b"A" * BLOCK, 1536, b"</t></is></c></row></sheetData></worksheet>"))


def _sst(count_attr: bool, n_blocks: int, filler: bytes) -> Part:
    attrs = b' count="20000000" uniqueCount="20000000"' if count_attr else b""
    return Part("xl/sharedStrings.xml", b'<?xml version="1.0" encoding="UTF-8"?><sst xmlns="http://schemas.'
                b'openxmlformats.org/spreadsheetml/2006/main"' + attrs + b">", filler, n_blocks, b"</sst>")


def huge_shared_string(path: Path) -> Path:
    """A shared-strings table holding one 2 GB string."""
    return with_part(path, Part("xl/sharedStrings.xml", b'<?xml version="1.0"?><sst xmlns="http://schemas.openxmlformats'
                                b'.org/spreadsheetml/2006/main"><si><t>', b"B" * BLOCK, 2047, b"</t></si></sst>"))


def twenty_million_strings(path: Path) -> Path:
    """20 million shared strings, as declared and as written (340 MB of XML)."""
    si = b"<si><t>x</t></si>" * (BLOCK // 17)
    return with_part(path, _sst(True, 20_000_000 // (BLOCK // 17) + 1, si))


def many_strings_undeclared(path: Path) -> Path:
    """1,1 million distinct shared strings with no count attributes: 25 MB of XML that deflates only ~5×, within
    every size and ratio limit, so only counting them finds the excess."""
    body = b"".join(b"<si><t>%x</t></si>" % (i * 2654435761 % (1 << 40)) for i in range(1_100_000))
    return with_part(path, Part("xl/sharedStrings.xml", b'<?xml version="1.0"?><sst xmlns="http://schemas.'
                                b'openxmlformats.org/spreadsheetml/2006/main">', body, 1, b"</sst>", level=1))


def _wide_rows(n: int) -> bytes:
    return b"".join(b'<row r="%d"><c r="A%d"><v>1</v></c><c r="XFD%d"><v>1</v></c></row>' % (i, i, i)
                    for i in range(2, n + 2))


def xfd_rows(path: Path, declared: bool = True) -> Path:
    """20.000 rows whose last cell is in column XFD, the sheet's dimension saying so (or not)."""
    dim = b'<dimension ref="A1:XFD20001"/>' if declared else b""
    return with_part(path, Part("xl/worksheets/sheet1.xml", SHEET_HEAD + dim + b"<sheetData>", _wide_rows(20_000), 1,
                                b"</sheetData></worksheet>"))


def million_rows(path: Path, declared: bool = True) -> Path:
    """A million one-cell rows, with or without a dimension that says so."""
    dim = b'<dimension ref="A1:A1000000"/>' if declared else b""
    rows = b"".join(b'<row r="%d"><c r="A%d"><v>1</v></c></row>' % (i, i) for i in range(1, 10_001))
    # the row numbers repeat block to block: the reader counts <row> elements, which is what openpyxl would build
    return with_part(path, Part("xl/worksheets/sheet1.xml", SHEET_HEAD + dim + b"<sheetData>", rows, 100,
                                b"</sheetData></worksheet>"))

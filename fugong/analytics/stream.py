"""A workbook written as it is sent: the drill-down export of 400,000 enterprises starts arriving at once, and the
server holds one chunk of rows at a time, not the sheet.

The sheet looks as fugong.core.excel.write_xlsx makes it (title row, header row frozen and repeated on every
printed page, column widths, landscape A4 one page wide, dates as dates); the difference is the writing: the
.xlsx zip goes out entry by entry through `zipfile` on a stream that cannot seek (sizes after each entry's data),
the sheet's XML row by row, a chunk every ROWS_A_CHUNK rows.
"""

import io
import re
import zipfile
from collections.abc import Iterable, Iterator, Sequence
from datetime import date, datetime
from decimal import Decimal
from xml.sax.saxutils import escape, quoteattr

from django.http import StreamingHttpResponse
from django.utils.http import content_disposition_header

from fugong.core.excel import XLSX_CONTENT_TYPE, Column

ROWS_A_CHUNK = 500
EPOCH = date(1899, 12, 30)  # Excel's day 0 (with its 1900 leap-year bug already counted)
# XML 1.0 refuses these control characters; a name pasted from elsewhere may carry one.
_ILLEGAL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f]")
TITLE, DATE, HEADER = 1, 2, 3  # cellXfs of _STYLES

_MAIN = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
_REL = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
_SML = "application/vnd.openxmlformats-officedocument.spreadsheetml"
_CONTENT_TYPES = "\n".join([
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>',
    '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">',
    '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>',
    '<Default Extension="xml" ContentType="application/xml"/>',
    f'<Override PartName="/xl/workbook.xml" ContentType="{_SML}.sheet.main+xml"/>',
    f'<Override PartName="/xl/worksheets/sheet1.xml" ContentType="{_SML}.worksheet+xml"/>',
    f'<Override PartName="/xl/styles.xml" ContentType="{_SML}.styles+xml"/>',
    "</Types>",
])  # fmt: skip
_ROOT_RELS = f"""<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">
<Relationship Id="rId1" Type="{_REL}/officeDocument" Target="xl/workbook.xml"/>
</Relationships>"""
_WORKBOOK_RELS = f"""<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">
<Relationship Id="rId1" Type="{_REL}/worksheet" Target="worksheets/sheet1.xml"/>
<Relationship Id="rId2" Type="{_REL}/styles" Target="styles.xml"/>
</Relationships>"""
_THIN = '<color auto="1"/>'
_STYLES = "".join([
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n',
    f'<styleSheet xmlns="{_MAIN}">',
    '<numFmts count="1"><numFmt numFmtId="164" formatCode="yyyy-mm-dd"/></numFmts>',
    '<fonts count="3"><font><sz val="11"/><name val="Calibri"/></font>',
    '<font><b/><sz val="14"/><name val="Calibri"/></font><font><b/><sz val="11"/><name val="Calibri"/></font></fonts>',
    '<fills count="3"><fill><patternFill patternType="none"/></fill><fill><patternFill patternType="gray125"/></fill>',
    '<fill><patternFill patternType="solid"><fgColor rgb="FFDDE6F0"/><bgColor indexed="64"/></patternFill></fill>',
    '</fills><borders count="2"><border><left/><right/><top/><bottom/><diagonal/></border><border>',
    f'<left style="thin">{_THIN}</left><right style="thin">{_THIN}</right><top style="thin">{_THIN}</top>',
    f'<bottom style="thin">{_THIN}</bottom><diagonal/></border></borders>',
    '<cellStyleXfs count="1"><xf numFmtId="0" fontId="0" fillId="0" borderId="0"/></cellStyleXfs>',
    '<cellXfs count="4"><xf numFmtId="0" fontId="0" fillId="0" borderId="0" xfId="0"/>',
    '<xf numFmtId="0" fontId="1" fillId="0" borderId="0" xfId="0" applyFont="1"/>',
    '<xf numFmtId="164" fontId="0" fillId="0" borderId="0" xfId="0" applyNumberFormat="1"/>',
    '<xf numFmtId="0" fontId="2" fillId="2" borderId="1" xfId="0" applyFont="1" applyFill="1" applyBorder="1"',
    ' applyAlignment="1"><alignment wrapText="1"/></xf></cellXfs>',
    '<cellStyles count="1"><cellStyle name="Normal" xfId="0" builtinId="0"/></cellStyles></styleSheet>',
])  # fmt: skip


class _Pipe(io.RawIOBase):
    """Where zipfile writes: kept until taken. It cannot seek, so zipfile writes each entry's sizes after it."""

    def __init__(self) -> None:
        self.chunks: list[bytes] = []

    def writable(self) -> bool:
        return True

    def write(self, data) -> int:
        self.chunks.append(bytes(data))
        return len(data)

    def take(self) -> bytes:
        out = b"".join(self.chunks)
        self.chunks.clear()
        return out


def _letter(index: int) -> str:
    letters = ""
    index += 1
    while index:
        index, rest = divmod(index - 1, 26)
        letters = chr(65 + rest) + letters
    return letters


def _text(value: str) -> str:
    return escape(_ILLEGAL.sub("", value))


def _cell(ref: str, value, style: int = 0) -> str:
    # Typed cells only, as write_xlsx: a name starting with "=" stays text.
    if value is None or value == "":
        return ""
    s = f' s="{style}"' if style else ""
    if isinstance(value, bool):
        return f'<c r="{ref}" t="b"{s}><v>{int(value)}</v></c>'
    if isinstance(value, int | float | Decimal):
        return f'<c r="{ref}"{s}><v>{float(value)!r}</v></c>'
    if isinstance(value, date) and not isinstance(value, datetime):  # the sheets streamed hold days, no times
        return f'<c r="{ref}" s="{DATE}"><v>{(value - EPOCH).days}</v></c>'
    return f'<c r="{ref}" t="inlineStr"{s}><is><t xml:space="preserve">{_text(str(value))}</t></is></c>'


def _row(number: int, values: Sequence, letters: list[str], style: int = 0) -> str:
    cells = "".join(_cell(f"{letters[i]}{number}", v, style) for i, v in enumerate(values))
    return f'<row r="{number}">{cells}</row>'


def _sheet_name(name: str) -> str:
    return re.sub(r"[\[\]:*?/\\]", " ", str(name))[:31] or "Sheet1"


def stream_xlsx(
    columns: Sequence[Column], rows: Iterable[Sequence], *, title: str, subtitle: str = ""
) -> Iterator[bytes]:
    """The workbook's bytes, chunk by chunk: one sheet, a title row, a header row, then `rows` (cell values)."""
    pipe = _Pipe()
    sheet = _sheet_name(title)
    letters = [_letter(i) for i in range(len(columns))]
    with zipfile.ZipFile(pipe, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", _CONTENT_TYPES)
        archive.writestr("_rels/.rels", _ROOT_RELS)
        name = quoteattr(sheet)
        printed = "'" + sheet.replace("'", "''") + "'!$2:$2"
        archive.writestr(
            "xl/workbook.xml",
            f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<workbook xmlns="{_MAIN}" xmlns:r="{_REL}">'
            f'<sheets><sheet name={name} sheetId="1" r:id="rId1"/></sheets>'
            f'<definedNames><definedName name="_xlnm.Print_Titles" localSheetId="0">{escape(printed)}</definedName>'
            "</definedNames></workbook>",
        )
        archive.writestr("xl/_rels/workbook.xml.rels", _WORKBOOK_RELS)
        archive.writestr("xl/styles.xml", _STYLES)
        yield pipe.take()
        widths = "".join(
            f'<col min="{i + 1}" max="{i + 1}" width="{c.width}" customWidth="1"/>' for i, c in enumerate(columns)
        )
        heading = f"{title}　{subtitle}" if subtitle else title
        with archive.open("xl/worksheets/sheet1.xml", "w", force_zip64=True) as part:
            part.write(
                f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<worksheet xmlns="{_MAIN}" xmlns:r="{_REL}">'
                '<sheetPr><pageSetUpPr fitToPage="1"/></sheetPr><sheetViews><sheetView workbookViewId="0">'
                '<pane ySplit="2" topLeftCell="A3" activePane="bottomLeft" state="frozen"/></sheetView></sheetViews>'
                f"<cols>{widths}</cols><sheetData>".encode()
            )
            part.write(_row(1, [heading], letters, TITLE).encode())
            part.write(_row(2, [str(c.label) for c in columns], letters, HEADER).encode())
            chunk: list[str] = []
            for number, values in enumerate(rows, start=3):
                chunk.append(_row(number, values, letters))
                if len(chunk) >= ROWS_A_CHUNK:
                    part.write("".join(chunk).encode())
                    chunk.clear()
                    yield pipe.take()
            part.write("".join(chunk).encode())
            part.write(
                b'</sheetData><pageMargins left="0.7" right="0.7" top="0.75" bottom="0.75" header="0.3" footer="0.3"/>'
                b'<pageSetup paperSize="9" orientation="landscape" fitToWidth="1" fitToHeight="0"/></worksheet>'
            )
    yield pipe.take()


def streaming_xlsx_response(chunks: Iterator[bytes], filename: str) -> StreamingHttpResponse:
    response = StreamingHttpResponse(chunks, content_type=XLSX_CONTENT_TYPE)
    response["Content-Disposition"] = content_disposition_header(True, filename) or "attachment"
    return response

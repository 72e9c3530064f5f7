"""Excel in and out for every app: column specs, a writer, a defensive reader, and cell parsers.

An app declares its columns once (STYLE.md, rule 10); the same list writes the template, reads an
upload and writes the export. The reader answers every bad file with a SheetError whose message a
user can act on, and refuses before parsing whatever could exhaust the server (size, zip bombs,
row counts).
"""

import csv
import io
import re
import zipfile
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from decimal import Decimal, InvalidOperation
from functools import partial
from pathlib import PurePath
from typing import Any

import python_calamine
import xlsxwriter
from django.conf import settings
from django.http import FileResponse
from django.utils import timezone
from django.utils.translation import gettext as _

from fugong.core import bounds
from fugong.core.text import clean, halfwidth

ZIP_MAGIC = b"PK\x03\x04"
OLE2_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
# An encrypted .xlsx is an OLE2 container holding this stream; directory names are UTF-16LE.
ENCRYPTED_STREAM = "EncryptedPackage".encode("utf-16-le")
SPREADSHEET_EXTENSIONS = {".xlsx", ".xlsm", ".xls", ".ods"}
CSV_EXTENSIONS = {".csv"}
HEADER_SEARCH_ROWS = 10
# Above this, a zip is treated as a bomb whatever its compressed size.
MAX_UNZIPPED_BYTES = 200 * 1024 * 1024


class SheetError(Exception):
    """The whole file is refused; the message says why, in the user's language."""

    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


class NoTableError(SheetError):
    """This sheet holds no table of ours; another sheet of the workbook may."""


# --- Column specs ---------------------------------------------------------------------------


def parse_text(value) -> str:
    """A cell as text: numbers typed into text columns (codes, phones) lose the Excel '.0'."""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    if isinstance(value, datetime | date):
        return value.isoformat()
    return clean(value)


@dataclass(frozen=True)
class Column:
    key: str
    label: Any  # lazily translated, so the header follows the user's language
    aliases: tuple[str, ...] = ()
    width: int = 14
    parse: Callable[[Any], Any] = parse_text
    export: Callable[[Any], Any] | None = None
    required: bool = False
    example: Any = ""
    hidden: bool = False  # written to the template but hidden: a value for the import, not for the reader

    def value_of(self, obj):
        return self.export(obj) if self.export else getattr(obj, self.key)

    def header_keys(self) -> set[str]:
        return {header_key(a) for a in (*self.aliases, self.key, str(self.label))}


def header_key(text) -> str:
    """Header text as compared: cleaned, lower case, no spaces or required-field stars, ASCII brackets."""
    key = clean(parse_text(text) if not isinstance(text, str) else text).lower()
    for ch in " *:":
        key = key.replace(ch, "")
    return key.replace("（", "(").replace("）", ")")


_UNIT_SUFFIX = re.compile(r"\([^)]*\)$")


def header_index(columns: Sequence[Column]) -> dict[str, Column]:
    """Every accepted header spelling, as header_key() makes it, to its column."""
    index: dict[str, Column] = {}
    for column in columns:
        for key in column.header_keys():
            index.setdefault(key, column)
    return index


def match_column(text, index: dict[str, Column]) -> Column | None:
    key = header_key(text)
    if not key:
        return None
    # "员工总数（人）" matches "员工总数": a unit in brackets is dropped if the full text is unknown.
    return index.get(key) or index.get(_UNIT_SUFFIX.sub("", key))


# --- Writing --------------------------------------------------------------------------------


@dataclass
class ExtraSheet:
    name: str
    headers: list[str]
    rows: Iterable[Sequence]
    widths: list[int] = field(default_factory=list)


def export_rows(columns: Sequence[Column], objects: Iterable) -> Iterator[list]:
    for obj in objects:
        yield [column.value_of(obj) for column in columns]


def write_xlsx(
    columns: Sequence[Column],
    rows: Iterable[Sequence],
    *,
    title: str,
    subtitle: str = "",
    sheet_name: str = "",
    extra_sheets: Sequence[ExtraSheet] = (),
    footer: Sequence[str] = (),
) -> bytes:
    """A workbook with a title row, a header row, frozen panes and print settings; rows are cell values; `footer`
    lines follow the table after a blank row (a department's signature and date lines)."""
    output = io.BytesIO()
    # constant_memory streams each row to a temporary file, so a large export stays flat in memory.
    workbook = xlsxwriter.Workbook(output, {"constant_memory": True})
    fmt = _formats(workbook)
    sheet = workbook.add_worksheet(_sheet_name(sheet_name or title))
    heading = f"{title}　{subtitle}" if subtitle else title
    last = _write_table(sheet, fmt, heading, [str(c.label) for c in columns], rows, [c.width for c in columns])
    for n, line in enumerate(footer, start=last + 2):
        sheet.write_string(n, 0, str(line))
    for i, column in enumerate(columns):
        if column.hidden:
            sheet.set_column(i, i, column.width, None, {"hidden": True})
    for extra in extra_sheets:
        extra_sheet = workbook.add_worksheet(_sheet_name(extra.name))
        widths = extra.widths or [20] * len(extra.headers)
        _write_table(extra_sheet, fmt, extra.name, extra.headers, extra.rows, widths)
    workbook.close()
    return output.getvalue()


XLSX_CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def xlsx_response(content: bytes, filename: str) -> FileResponse:
    """A workbook made by write_xlsx, as a download named `filename`."""
    return FileResponse(io.BytesIO(content), as_attachment=True, filename=filename, content_type=XLSX_CONTENT_TYPE)


def _sheet_name(name: str) -> str:
    return re.sub(r"[\[\]:*?/\\]", " ", str(name))[:31]


def _formats(workbook):
    return {
        "title": workbook.add_format({"bold": True, "font_size": 14}),
        "header": workbook.add_format({"bold": True, "bg_color": "#DDE6F0", "border": 1, "text_wrap": True}),
        "date": workbook.add_format({"num_format": "yyyy-mm-dd"}),
        "datetime": workbook.add_format({"num_format": "yyyy-mm-dd hh:mm"}),
    }


def _write_table(sheet, fmt, heading: str, headers: list[str], rows: Iterable[Sequence], widths: list[int]) -> int:
    """Writes the table; answers the index of its last row."""
    for i, width in enumerate(widths):
        sheet.set_column(i, i, width)
    sheet.set_landscape()
    sheet.set_paper(9)  # A4
    sheet.fit_to_pages(1, 0)
    sheet.repeat_rows(1)
    sheet.freeze_panes(2, 0)
    sheet.write_string(0, 0, heading, fmt["title"])
    for i, header in enumerate(headers):
        sheet.write_string(1, i, header, fmt["header"])
    last = 1
    for r, values in enumerate(rows, start=2):
        for c, value in enumerate(values):
            _write_cell(sheet, r, c, value, fmt)
        last = r
    return last


def _write_cell(sheet, row: int, col: int, value, fmt) -> None:
    # Typed writes only: sheet.write() would turn a name starting with "=" into a live formula.
    if value is None or value == "":
        return
    if isinstance(value, bool):
        sheet.write_boolean(row, col, value)
    elif isinstance(value, int | float | Decimal):
        sheet.write_number(row, col, float(value))
    elif isinstance(value, datetime):
        # Excel has no time zones: write the wall-clock time of the project's zone (Asia/Shanghai).
        local = timezone.localtime(value) if timezone.is_aware(value) else value
        sheet.write_datetime(row, col, local.replace(tzinfo=None), fmt["datetime"])
    elif isinstance(value, date):
        sheet.write_datetime(row, col, value, fmt["date"])
    else:
        sheet.write_string(row, col, str(value))


# --- Reading --------------------------------------------------------------------------------


@dataclass(slots=True)
class Issue:
    row: int
    column: str  # a column key; "" for the row as a whole
    message: str
    label: str = ""  # the column's header in the user's language


@dataclass(slots=True)
class Row:
    number: int  # as Excel shows it, 1-based
    raw: dict[str, Any]  # cell values, JSON-safe, by column key: enough to parse the row again later
    values: dict[str, Any] = field(default_factory=dict)
    errors: dict[str, str] = field(default_factory=dict)


@dataclass
class Table:
    columns: list[Column]  # the columns found in the header, in sheet order
    rows: list[Row]  # empty when read lazily: see iter_rows()
    header_row: int
    sheet_name: str = ""
    # Read lazily (read_table(lazy=True)), a new pass over the sheet's rows, parsed one at a time.
    source: Callable[[set[str] | None], Iterator[Row]] | None = field(default=None, repr=False)

    def iter_rows(self, keys: set[str] | None = None) -> Iterator[Row]:
        """The rows, parsed one at a time when read lazily: each call is a new pass over the sheet.

        `keys` limits a lazy pass's parsing to those columns (a quick first pass); every cell stays in raw.
        A pass raises SheetError when the sheet holds more rows than allowed or none below the header.
        """
        return iter(self.rows) if self.source is None else self.source(keys)

    @property
    def issues(self) -> list[Issue]:
        labels = {c.key: str(c.label) for c in self.columns}
        return [
            Issue(row.number, key, message, labels.get(key, ""))
            for row in self.rows
            for key, message in row.errors.items()
        ]


def parse_row(columns: Sequence[Column], raw: dict[str, Any]) -> tuple[dict[str, Any], dict[str, str]]:
    """Parse the cells of one row; a blank required cell and a cell its parser refuses are errors."""
    values: dict[str, Any] = {}
    errors: dict[str, str] = {}
    for column in columns:
        if column.key not in raw:
            continue
        cell = raw[column.key]
        if cell is UNCACHED:
            errors[column.key] = _(
                "This cell holds a formula whose result was never saved; open the file in Excel, save it, upload again."
            )
            continue
        if _blank(cell):
            if column.required:
                errors[column.key] = _("This cell is required.")
            else:
                values[column.key] = None
            continue
        try:
            values[column.key] = column.parse(cell)
        except (ValueError, ArithmeticError) as e:
            errors[column.key] = str(e) or _("This value is not valid.")
    return values, errors


def read_table(
    uploaded_file,
    columns: Sequence[Column],
    *,
    max_bytes: int | None = None,
    max_rows: int | None = None,
    max_unzipped: int | None = None,
    lazy: bool = False,
) -> Table:
    """Read the first sheet (or the first whose header matches) of an uploaded Excel or CSV file.

    lazy=True checks the file and finds the header but keeps no row: table.iter_rows() parses them
    one at a time, as often as asked, so a large sheet is never held in memory as Row objects.
    """
    max_bytes = settings.UPLOAD_MAX_BYTES if max_bytes is None else max_bytes
    max_rows = settings.IMPORT_MAX_ROWS if max_rows is None else max_rows
    if max_unzipped is None:
        max_unzipped = min(50 * max_bytes, MAX_UNZIPPED_BYTES)
    content = _read_upload(uploaded_file, max_bytes)
    extension = PurePath(getattr(uploaded_file, "name", "") or "").suffix.lower()
    if extension in CSV_EXTENSIONS:
        lines = _csv_rows(content, max_rows)
        return _table_from_rows(lambda: iter(lines), columns, max_rows, sheet_name="", lazy=lazy)
    if extension not in SPREADSHEET_EXTENSIONS:
        raise SheetError(_("Upload an Excel file (.xlsx, .xls or .ods) or a CSV file."))
    return _read_workbook(content, columns, max_rows=max_rows, max_unzipped=max_unzipped, lazy=lazy)


def _read_upload(uploaded_file, max_bytes: int) -> bytes:
    size = getattr(uploaded_file, "size", None)
    if size is not None and size > max_bytes:
        raise SheetError(_too_large(max_bytes))
    if hasattr(uploaded_file, "seek"):
        uploaded_file.seek(0)
    content = uploaded_file.read(max_bytes + 1)
    if len(content) > max_bytes:
        raise SheetError(_too_large(max_bytes))
    if not content:
        raise SheetError(_("The file is empty."))
    return content


def _too_large(max_bytes: int) -> str:
    return _("The file is larger than %(mb)s MB; split it into smaller files.") % {
        "mb": f"{max_bytes / 1024 / 1024:.3g}"
    }


def _too_many_rows(max_rows: int) -> str:
    return _("The sheet has more than %(n)s rows; split it into smaller files.") % {"n": f"{max_rows:,}"}


def _csv_rows(content: bytes, max_rows: int) -> list[tuple[int, list]]:
    if b"\x00" in content[:4096] or content.startswith((ZIP_MAGIC, OLE2_MAGIC)):
        raise SheetError(_("This is not a CSV file; save the sheet as .xlsx or .csv and upload it again."))
    for encoding in ("utf-8-sig", "gb18030"):
        try:
            text = content.decode(encoding)
            break
        except UnicodeDecodeError:
            continue
    else:
        raise SheetError(_("The CSV file is in an unknown text encoding; save it as UTF-8."))
    try:
        dialect = csv.Sniffer().sniff(text[:4096], delimiters=",;\t")
    except csv.Error:
        dialect = csv.excel
    rows = []
    try:
        # Splitting is cheap; counting before any cell is parsed refuses an oversized file in a blink.
        for number, cells in enumerate(csv.reader(io.StringIO(text), dialect), start=1):
            if any(cell.strip() for cell in cells):
                rows.append((number, cells))
                if len(rows) > max_rows + HEADER_SEARCH_ROWS:
                    raise SheetError(_too_many_rows(max_rows))
    except csv.Error as e:
        raise SheetError(_("The CSV file is damaged: %(error)s") % {"error": e}) from e
    return rows


def _read_workbook(
    content: bytes, columns: Sequence[Column], *, max_rows: int, max_unzipped: int, lazy: bool = False
) -> Table:
    archive = None
    if content.startswith(ZIP_MAGIC):
        archive = _check_zip(content, max_unzipped)
    elif content.startswith(OLE2_MAGIC):
        if ENCRYPTED_STREAM in content:
            raise SheetError(_("The file is password-protected; remove the password in Excel and upload it again."))
    else:
        raise SheetError(_("This is not an Excel file, whatever its name says; save it as .xlsx and upload it again."))
    sheet_paths = _xlsx_sheet_paths(archive) if archive else {}
    try:
        workbook = python_calamine.CalamineWorkbook.from_filelike(io.BytesIO(content))
    except python_calamine.PasswordError as e:
        raise SheetError(_("The file is password-protected; remove the password in Excel and upload it again.")) from e
    except Exception as e:  # calamine raises several types for a damaged file; all mean the same to a user
        raise SheetError(_("The file is damaged or not a spreadsheet Excel can open.")) from e
    sheets = [
        m.name
        for m in workbook.sheets_metadata
        if m.typ == python_calamine.SheetTypeEnum.WorkSheet and m.visible == python_calamine.SheetVisibleEnum.Visible
    ]
    if not sheets:
        raise SheetError(_("The file has no sheet."))
    first_error: NoTableError | None = None
    for name in sheets:
        path = sheet_paths.get(name)
        if path and archive and _declared_rows(archive, path) > max_rows + HEADER_SEARCH_ROWS:
            raise SheetError(_too_many_rows(max_rows))
        try:
            sheet = workbook.get_sheet_by_name(name)
        except Exception as e:
            raise SheetError(_("The file is damaged or not a spreadsheet Excel can open.")) from e
        if sheet.height > max_rows + HEADER_SEARCH_ROWS:
            raise SheetError(_too_many_rows(max_rows))
        uncached = _uncached_formulas(archive, path) if path and archive else {}
        try:
            return _table_from_rows(
                partial(_sheet_rows, sheet, uncached),
                columns,
                max_rows,
                sheet_name=name,
                lazy=lazy,
            )
        except NoTableError as e:
            # A workbook may open with a cover or notes sheet: try the next one, but report the first failure.
            first_error = first_error or e
    raise first_error  # type: ignore[misc]  # set: every sheet returned, raised or failed with it


class _Uncached:
    """A formula cell saved without its result (written by a program, never opened in Excel)."""

    def __repr__(self):
        return "UNCACHED"


UNCACHED = _Uncached()


def _sheet_rows(sheet, uncached: dict[int, list[int]]) -> Iterator[tuple[int, list]]:
    # calamine yields every row from the first, but columns from the first one holding a value; and
    # it leaves out formula cells without a result, so those are put back as UNCACHED.
    first_column = (sheet.start or (0, 0))[1]
    last = 0
    for number, cells in enumerate(sheet.iter_rows(), start=1):
        last = number
        yield number, _mark_uncached(list(cells), uncached.get(number, ()), first_column)
    for number in sorted(n for n in uncached if n > last):
        yield number, _mark_uncached([], uncached[number], first_column)


def _mark_uncached(cells: list, columns: Iterable[int], first_column: int) -> list:
    for column in columns:
        i = column - first_column
        if i < 0:
            continue
        cells.extend([""] * (i + 1 - len(cells)))
        if _blank(cells[i]):
            cells[i] = UNCACHED
    return cells


_SHEET_TAG = re.compile(rb'<sheet\b[^>]*?\bname="([^"]*)"[^>]*?\br:id="([^"]*)"')
_RELATION = re.compile(rb'<Relationship\b[^>]*?\bId="([^"]*)"[^>]*?\bTarget="([^"]*)"')
_RELATION_REVERSED = re.compile(rb'<Relationship\b[^>]*?\bTarget="([^"]*)"[^>]*?\bId="([^"]*)"')
_DIMENSION = re.compile(rb'<(?:\w+:)?dimension\s+ref="[A-Z]+\d+:?[A-Z]*(\d*)"')


def _check_zip(content: bytes, max_unzipped: int) -> zipfile.ZipFile:
    """Refuse a zip bomb before calamine inflates it."""
    try:
        archive = zipfile.ZipFile(io.BytesIO(content))
        members = archive.infolist()
    except (zipfile.BadZipFile, OSError, ValueError) as e:
        raise SheetError(_("The file is damaged or not a spreadsheet Excel can open.")) from e
    if sum(m.file_size for m in members) > max_unzipped or len(members) > 10_000:
        raise SheetError(_("The file unpacks to far more data than a spreadsheet holds; it is refused."))
    try:
        # Reading stops at each member's declared size, so this costs at most max_unzipped; a member
        # lying about its size fails its CRC here instead of inflating without bound later.
        damaged = archive.testzip()
    except (zipfile.BadZipFile, OSError, ValueError, EOFError, NotImplementedError, RuntimeError) as e:
        raise SheetError(_("The file is damaged or not a spreadsheet Excel can open.")) from e
    if damaged is not None:
        raise SheetError(_("The file is damaged or not a spreadsheet Excel can open."))
    return archive


def _xlsx_sheet_paths(archive: zipfile.ZipFile) -> dict[str, str]:
    """Sheet name -> its XML part in an .xlsx (an .ods has none of these files)."""
    names = set(archive.namelist())
    if "xl/workbook.xml" not in names or "xl/_rels/workbook.xml.rels" not in names:
        return {}
    rels_xml = archive.read("xl/_rels/workbook.xml.rels")
    targets = dict(_RELATION.findall(rels_xml))
    targets.update({rid: target for target, rid in _RELATION_REVERSED.findall(rels_xml)})
    paths = {}
    for name, rid in _SHEET_TAG.findall(archive.read("xl/workbook.xml")):
        target = targets.get(rid, b"").decode(errors="replace").lstrip("/")
        path = target if target.startswith("xl/") else f"xl/{target}"
        if path in names:
            paths[_unescape(name.decode(errors="replace"))] = path
    return paths


def _declared_rows(archive: zipfile.ZipFile, path: str) -> int:
    # The <dimension> element opens the sheet: a row count known before anything is parsed.
    with archive.open(path) as stream:
        found = _DIMENSION.search(stream.read(4096))
    return int(found.group(1)) if found and found.group(1) else 0


_CELL = re.compile(rb"<c\b([^>]*?)(?:/>|>(.*?)</c>)", re.S)
_CELL_REF = re.compile(rb'\br="([A-Z]{1,3})(\d+)"')
_CACHED_VALUE = re.compile(rb"<v>[^<]|<is>")


def _uncached_formulas(archive: zipfile.ZipFile, path: str) -> dict[int, list[int]]:
    """Row number -> 0-based columns of formula cells saved without a result."""
    found: dict[int, list[int]] = {}
    if not _has_formulas(archive, path):
        return found
    data = archive.read(path)
    for attributes, inner in _CELL.findall(data):
        if not inner or b"<f" not in inner or _CACHED_VALUE.search(inner):
            continue
        ref = _CELL_REF.search(attributes)
        if ref:
            found.setdefault(int(ref.group(2)), []).append(_column_index(ref.group(1).decode()))
    return found


def _has_formulas(archive: zipfile.ZipFile, path: str) -> bool:
    # Scanned a megabyte at a time: a sheet without formulas (the usual case) is never held whole.
    tail = b""
    with archive.open(path) as stream:
        while block := stream.read(1 << 20):
            data = tail + block
            if b"<f>" in data or b"<f " in data:
                return True
            tail = data[-3:]
    return False


def _column_index(letters: str) -> int:
    index = 0
    for letter in letters:
        index = index * 26 + ord(letter) - 64
    return index - 1


def _unescape(text: str) -> str:
    return (
        text.replace("&lt;", "<")
        .replace("&gt;", ">")
        .replace("&quot;", '"')
        .replace("&apos;", "'")
        .replace("&amp;", "&")
    )


def _blank(cell) -> bool:
    return cell is None or (isinstance(cell, str) and not cell.strip())


def _json_safe(cell):
    if isinstance(cell, str):
        return cell.strip()
    if isinstance(cell, float) and cell.is_integer() and abs(cell) < 2**53:
        return int(cell)
    if isinstance(cell, datetime | date | time):
        return cell.isoformat()
    if isinstance(cell, timedelta):
        return cell.total_seconds()
    return cell


def _table_from_rows(
    lines: Callable[[], Iterator[tuple[int, list]]],
    columns: Sequence[Column],
    max_rows: int,
    *,
    sheet_name: str,
    lazy: bool = False,
) -> Table:
    """The table under the header found in the first rows; `lines` makes a new pass over the sheet's rows."""
    rows = iter(lines())
    head: list[tuple[int, list]] = []
    for number, cells in rows:
        head.append((number, list(cells)))
        if len(head) >= HEADER_SEARCH_ROWS + 1:
            break
    if not any(any(not _blank(c) for c in cells) for _n, cells in head):
        raise NoTableError(_("The sheet is empty."))
    header_at, positions = _find_header(head, header_index(columns))
    found = {column.key for column in positions.values()}
    missing = [str(c.label) for c in columns if c.required and c.key not in found]
    if missing:
        raise NoTableError(
            _("No header row with the required columns was found; missing: %(columns)s. See the template.")
            % {"columns": "、".join(missing)}
        )
    table = Table(
        columns=[positions[i] for i in sorted(positions)],
        rows=[],
        header_row=head[header_at][0],
        sheet_name=sheet_name,
    )

    def parsed(rest: Iterator[tuple[int, list]], keys: set[str] | None = None) -> Iterator[Row]:
        columns = table.columns if keys is None else [c for c in table.columns if c.key in keys]
        count = 0
        for number, cells in rest:
            raw = {column.key: _json_safe(cells[i]) if i < len(cells) else None for i, column in positions.items()}
            if all(_blank(v) for v in raw.values()):
                continue
            if count >= max_rows:
                raise SheetError(_too_many_rows(max_rows))
            count += 1
            values, errors = parse_row(columns, raw)
            if errors:  # an UNCACHED cell is always an error; it is kept as a blank
                for key, cell in raw.items():
                    if cell is UNCACHED:
                        raw[key] = None
            yield Row(number=number, raw=raw, values=values, errors=errors)
        if not count:
            raise SheetError(_("The sheet has a header row but no data below it."))

    if lazy:
        header_number = table.header_row

        def source(keys=None):
            return parsed(_skip(iter(lines()), header_number), keys)

        table.source = source
        return table
    table.rows = list(parsed(_chain(head[header_at + 1 :], rows)))
    return table


def _skip(lines: Iterator[tuple[int, list]], header_number: int) -> Iterator[tuple[int, list]]:
    """The rows below the header row (numbered header_number) of a new pass."""
    for number, cells in lines:
        if number > header_number:
            yield number, cells


def _chain(first: list, rest: Iterator) -> Iterator:
    yield from first
    yield from rest


def _find_header(head: list[tuple[int, list]], index: dict[str, Column]) -> tuple[int, dict[int, Column]]:
    """The row (or pair of rows, for a two-row merged header) that names the most columns.

    Returns the index in `head` of the last header row and the columns by cell position.
    """
    best: tuple[int, int, dict[int, Column]] = (0, -1, {})
    for i, (_number, cells) in enumerate(head):
        single = _match_row(cells, index)
        if len(single) > len(best[2]):
            best = (len(single), i, single)
        if i + 1 < len(head):
            combined = _match_two_rows(cells, head[i + 1][1], index)
            if len(combined) > len(best[2]):
                best = (len(combined), i + 1, combined)
    if best[1] < 0:
        return 0, {}
    return best[1], best[2]


def _match_row(cells: list, index: dict[str, Column]) -> dict[int, Column]:
    matched: dict[int, Column] = {}
    for i, cell in enumerate(cells):
        column = match_column(cell, index)
        if column is not None and column not in matched.values():
            matched[i] = column
    return matched


def _match_two_rows(top: list, bottom: list, index: dict[str, Column]) -> dict[int, Column]:
    # A merged cell holds its text in the top-left cell only: carry a group title rightwards.
    matched: dict[int, Column] = {}
    group = ""
    for i in range(max(len(top), len(bottom))):
        upper = parse_text(top[i]) if i < len(top) else ""
        lower = parse_text(bottom[i]) if i < len(bottom) else ""
        group = upper or group
        for candidate in (lower, upper, group + lower):
            column = match_column(candidate, index)
            if column is not None and column not in matched.values():
                matched[i] = column
                break
    return matched


# --- Cell parsers: each takes a non-blank cell and returns a value or raises ValueError --------

_MULTIPLIERS = {"万": Decimal(10_000), "亿": Decimal(100_000_000)}
_NUMBER_NOISE = re.compile(r"[,，\s]")
_COUNT_UNITS = ("人", "户", "个", "家", "元")


def parse_decimal(value) -> Decimal:
    if isinstance(value, bool):
        raise ValueError(_("Enter a number."))
    if isinstance(value, int | float | Decimal):
        number = Decimal(str(value))
    else:
        text = _NUMBER_NOISE.sub("", halfwidth(str(value)))
        multiplier = Decimal(1)
        text = text.removesuffix("元") if text.endswith(("万元", "亿元")) else text
        if text and text[-1] in _MULTIPLIERS:
            multiplier, text = _MULTIPLIERS[text[-1]], text[:-1]
        for unit in _COUNT_UNITS:
            text = text.removesuffix(unit)
        try:
            number = Decimal(text) * multiplier
        except InvalidOperation:
            raise ValueError(_("“%(value)s” is not a number.") % {"value": value}) from None
    if not number.is_finite():
        raise ValueError(_("“%(value)s” is not a number.") % {"value": value})
    return number


def parse_int(value) -> int:
    number = parse_decimal(value)
    if number != number.to_integral_value():
        raise ValueError(_("“%(value)s” is not a whole number.") % {"value": value})
    return int(number)


def parse_percent(value) -> Decimal:
    """65%, 65 and 0.65 all mean 65 per cent; a fraction below 1 is read as a share."""
    has_sign = isinstance(value, str) and ("%" in value or "％" in value)
    number = parse_decimal(value.replace("%", "").replace("％", "") if has_sign else value)
    if not has_sign and 0 < number < 1:
        number *= 100
    return number.normalize() if number == number.to_integral_value() else number


_TRUE = {"是", "y", "yes", "true", "1", "√", "✓", "t", "对", "有"}
_FALSE = {"否", "n", "no", "false", "0", "×", "x", "f", "无", "不是"}


def parse_bool(value) -> bool:
    if isinstance(value, bool):
        return value
    text = parse_text(value).lower()
    if text in _TRUE:
        return True
    if text in _FALSE:
        return False
    # The words of the user's language last, as a lookup in the catalogue costs more than the sets.
    if text == _("Yes").lower():
        return True
    if text == _("No").lower():
        return False
    raise ValueError(_("Write 是 or 否 (yes or no), not “%(value)s”.") % {"value": value})


_DATE_PATTERNS = (
    re.compile(r"^(\d{4})[-/.年](\d{1,2})[-/.月](\d{1,2})日?(?:[ T].*)?$"),
    re.compile(r"^(\d{4})(\d{2})(\d{2})$"),
)
EXCEL_EPOCH = date(1899, 12, 30)


@bounds.windowed
def parse_date(value) -> date:
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    if isinstance(value, int | float) and not isinstance(value, bool) and 1 <= value < 2_958_466:
        return EXCEL_EPOCH + timedelta(days=int(value))  # an Excel serial day number
    text = parse_text(value)
    for pattern in _DATE_PATTERNS:
        found = pattern.match(text)
        if found:
            try:
                return date(*(int(g) for g in found.groups()))
            except ValueError:
                break
    raise ValueError(_("“%(value)s” is not a date; write it as 2020-02-22.") % {"value": value})

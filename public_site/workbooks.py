"""The review's workbooks, XLSX and ODS: a summary sheet and the council's proposals sheet, made
once for both when a publication stores them. Reproducible: the zip entries and the metadata
carry the situation date, not the time they were made (`exports`)."""

import datetime
import io
import re
import zipfile
from dataclasses import dataclass

from django.utils.text import capfirst
from django.utils.translation import gettext as _

from proposals.models import Convention, Proposal, Status
from proposals.spreadsheets.cells import neutralise, neutralise_row
from reports.report import ReviewReport
from reports.rows import COUNCIL_COLUMNS, council_headers, council_rows

from .document_parts import DRAFT_COLUMN, document_licence, document_title, situation_time, storing


@dataclass(frozen=True)
class DecimalColumns:
    """Where the numbers with one decimal are in the summary sheet (0-based), to format them."""

    rate: int
    change: int | None
    rows: int  # the rows of figures under the header (the version's own lines follow them)

    def all(self) -> list[int]:
        return [self.rate] if self.change is None else [self.rate, self.change]


@dataclass
class Sheet:
    """A sheet of the review's workbooks: its title, header row, rows (text already neutralised)
    and, per column, a width in characters (None: from its longest value) and whether it wraps."""

    title: str
    headers: list
    rows: list[list]
    widths: list[int | None]
    wraps: list[bool]

    def insert_draft_column(self) -> None:
        """A draft's first column «brouillon», «Brouillon» on every row."""
        self.headers.insert(0, DRAFT_COLUMN)
        for row in self.rows:
            row.insert(0, _("Brouillon"))
        self.widths.insert(0, None)
        self.wraps.insert(0, False)

    def column_widths(self) -> list[float]:
        """Each column's width in characters: as given, or fitted to its longest value."""
        fitted = []
        for index, width in enumerate(self.widths):
            if width is None:
                values = [self.headers[index], *(row[index] for row in self.rows)]
                width = min(60, max(len(str(value)) for value in values if value is not None) + 2)
            fitted.append(width)
        return fitted


def _summary_sheet(report: ReviewReport, convention: Convention) -> tuple[Sheet, DecimalColumns]:
    """The «Synthèse» sheet: per axis and overall, the counts by status and the rate as a
    number with one decimal (column «Taux (%)»), and the change in points when there is one;
    then, for a published version, what it is (`VersionIdentity.lines`) and its licence."""
    axis_name = capfirst(convention.axis_name)
    headers = [axis_name, _("Propositions")] + [str(status.label) for status in Status] + [_("Taux (%)")]
    if report.comparison:
        headers.append(_("Évolution depuis %(year)s (points)") % {"year": report.comparison.previous_year})
    rows = []
    for row in report.rows(total_label=_("Ensemble des propositions")):
        line = [neutralise(row.label), row.tally.proposals] + [count for _status, count in row.tally.statuses()]
        line.append(float(row.tally.rate))
        if report.comparison:
            line.append(float(row.change.points))
        rows.append(line)
    sheet = Sheet(_("Synthèse"), headers, rows, [None] * len(headers), [False] * len(headers))
    shift = 0
    if report.is_draft:
        sheet.insert_draft_column()
        shift = 1
    rate_index = len(Status) + 2 + shift
    figures = len(sheet.rows)
    if report.identity is not None:
        # Under the figures, after an empty row: the version this file is, in two columns.
        blank = [None] * len(sheet.headers)
        sheet.rows.append(list(blank))
        for label, value in report.identity.lines():
            sheet.rows.append([label, neutralise(value), *blank[2:]])
        licence = document_licence(report, convention)
        sheet.rows.append([_("Licence"), neutralise(f"{licence['title']} ({licence['url']})"), *blank[2:]])
    return sheet, DecimalColumns(rate=rate_index, change=rate_index + 1 if report.comparison else None, rows=figures)


def _council_sheet(report: ReviewReport, base_url: str, convention: Convention) -> Sheet:
    """The «Propositions» sheet, for the council: French headers, labels and names (not the
    open-data codes of the CSV), the explanation, who carries each proposal, absolute links."""
    rows = [neutralise_row(row) for row in council_rows(Proposal.objects.all(), report.review_year, base_url)]
    sheet = Sheet(
        _("Propositions"),
        council_headers(convention),
        rows,
        [column.width for column in COUNCIL_COLUMNS],
        [column.wrap for column in COUNCIL_COLUMNS],
    )
    if report.is_draft:
        sheet.insert_draft_column()
    return sheet


# A publication renders two workbooks (XLSX, ODS) from the same sheets: made once for the version
# being published (its id and publication time: a retried publication is another), forgotten
# once it is announced (`forget_published_documents`). Only while a publication stores its
# documents (`render_stored_document`): rendered at any other time, the sheets read the live rows.
_published_sheets: dict[tuple, tuple[list[Sheet], DecimalColumns]] = {}


def _sheets(report: ReviewReport, base_url: str) -> tuple[list[Sheet], DecimalColumns]:
    """The workbooks' sheets (not changed by the renderers)."""
    key = None
    if report.identity is not None and storing.get():
        key = (report.review_year.version_id, report.identity.published_at, base_url)
        if key in _published_sheets:
            return _published_sheets[key]
    convention = Convention.current()  # read once for both sheets
    summary, decimal_columns = _summary_sheet(report, convention)
    sheets = [summary, _council_sheet(report, base_url, convention)], decimal_columns
    if key is not None:
        _published_sheets.clear()
        _published_sheets[key] = sheets
    return sheets


def forget_sheets() -> None:
    """Forget the sheets of the version just published (`exports.forget_published_documents`)."""
    _published_sheets.clear()


def _reproducible_zip(data: bytes, when: datetime.datetime, rewrite=None) -> bytes:
    """The same zip with every entry dated `when` (order and compression kept: an ODS's
    `mimetype` stays first and stored); `rewrite(name, bytes)` may change an entry."""
    source = zipfile.ZipFile(io.BytesIO(data))
    output = io.BytesIO()
    with zipfile.ZipFile(output, "w") as target:
        for info in source.infolist():
            content = source.read(info.filename)
            if rewrite:
                content = rewrite(info.filename, content)
            entry = zipfile.ZipInfo(info.filename, date_time=when.timetuple()[:6])
            entry.compress_type = info.compress_type
            entry.external_attr = info.external_attr
            target.writestr(entry, content)
    return output.getvalue()


def render_xlsx(report: ReviewReport, base_url: str) -> bytes:
    """The workbook, written with openpyxl: bold headers kept in view, the widths and wrapping
    of each column, one-decimal formats for the rates and changes; saved once."""
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Font
    from openpyxl.utils import get_column_letter

    sheets, decimal_columns = _sheets(report, base_url)
    workbook = Workbook()
    workbook.remove(workbook.active)
    bold = Font(bold=True)
    wrapped = Alignment(wrap_text=True, vertical="top")
    top = Alignment(vertical="top")
    for sheet in sheets:
        worksheet = workbook.create_sheet(title=sheet.title)
        worksheet.append(sheet.headers)
        for row in sheet.rows:
            worksheet.append(row)
        for index, (width, wraps) in enumerate(zip(sheet.column_widths(), sheet.wraps, strict=True), start=1):
            worksheet.column_dimensions[get_column_letter(index)].width = width
            for (cell,) in worksheet.iter_rows(min_row=2, min_col=index, max_col=index):
                cell.alignment = wrapped if wraps else top
        for cell in worksheet[1]:
            cell.font = bold
            cell.alignment = wrapped
        worksheet.freeze_panes = "A2"
        for row in worksheet.iter_rows():
            for cell in row:
                if cell.data_type == "f":  # a text starting with «=» stays text, never a formula
                    cell.data_type = "s"
    summary_sheet = workbook.worksheets[0]
    formats = {decimal_columns.rate: "0.0", decimal_columns.change: "+0.0;-0.0;0.0"}  # the change is signed
    for index in decimal_columns.all():
        for (cell,) in summary_sheet.iter_rows(
            min_row=2, max_row=decimal_columns.rows + 1, min_col=index + 1, max_col=index + 1
        ):
            cell.number_format = formats[index]
    when = situation_time(report.review)
    workbook.properties.creator = Convention.current().name
    workbook.properties.created = when
    workbook.properties.title = document_title(report)
    if report.identity is not None:
        workbook.properties.subject = report.identity.description()
        workbook.properties.keywords = ", ".join(report.identity.keywords())
        workbook.properties.version = str(report.identity.number)
    output = io.BytesIO()
    workbook.save(output)

    # openpyxl stamps the save time as «modified»: give it the situation date instead.
    stamp = when.strftime("%Y-%m-%dT%H:%M:%SZ").encode()

    def fix_core(name, content):
        if name == "docProps/core.xml":
            content = re.sub(rb"(<dcterms:modified[^>]*>)[^<]*", rb"\g<1>" + stamp, content)
        return content

    return _reproducible_zip(output.getvalue(), when, fix_core)


# The ODS's rows are written as text, not as odfpy elements (which cost about a millisecond a
# cell: seconds for a large convention's sheet), byte for byte as odfpy writes them: its
# teletype's spaces, tabs and line breaks, its escaping (`odf.element._sanitize`).
ODS_ROWS_PLACEHOLDER = "the rows of this table"
_ODS_WHITESPACE = re.compile(r"\t|\n| {2,}")


def _ods_whitespace(match: re.Match) -> str:
    found = match.group()
    if found == "\t":
        return "<text:tab/>"
    if found == "\n":
        return "<text:line-break/>"
    return f' <text:s text:c="{len(found) - 1}"/>'


def _ods_cell(value, cell_style: str, decimal_style: str | None = None) -> str:
    """An ODS cell as XML: a number as a float (styled with `decimal_style` when given), a text
    as text (its line breaks kept), nothing for None."""
    from odf.element import _sanitize

    if value is None or value == "":
        return f'<table:table-cell table:style-name="{cell_style}"/>'
    if isinstance(value, bool) or not isinstance(value, int | float):
        text = _ODS_WHITESPACE.sub(_ods_whitespace, _sanitize(str(value)))
        return (
            f'<table:table-cell office:value-type="string" table:style-name="{cell_style}">'
            f"<text:p>{text}</text:p></table:table-cell>"
        )
    return (
        f'<table:table-cell office:value-type="float" office:value="{value}" '
        f'table:style-name="{decimal_style or cell_style}"><text:p>{value}</text:p></table:table-cell>'
    )


def _ods_rows(sheet: Sheet, decimals: set[int], decimal_rows: int) -> str:
    """The header row and the rows of `sheet` as the XML of a `table:table`'s rows."""
    styles = ["cellule-renvoi" if wraps else "cellule" for wraps in sheet.wraps]
    lines = ["<table:table-row>", *(_ods_cell(value, "entete") for value in sheet.headers), "</table:table-row>"]
    for row_index, row in enumerate(sheet.rows):
        lines.append("<table:table-row>")
        for index, value in enumerate(row):
            decimal = "cellule-decimale" if index in decimals and row_index < decimal_rows else None
            lines.append(_ods_cell(value, styles[index], decimal))
        lines.append("</table:table-row>")
    return "".join(lines)


def render_ods(report: ReviewReport, base_url: str) -> bytes:
    """The workbook: its styles, columns and metadata written with odfpy, its rows as text
    (`_ods_rows`); bold headers, each column's width and wrapping, a one-decimal number style
    for the rates and changes; saved once."""
    from odf import dc, meta, number, style
    from odf.element import Element
    from odf.namespaces import nsdict
    from odf.opendocument import OpenDocumentSpreadsheet
    from odf.table import Table, TableCell, TableColumn, TableRow

    sheets, decimal_columns = _sheets(report, base_url)
    document = OpenDocumentSpreadsheet()
    styles = document.automaticstyles
    one_decimal = number.NumberStyle(name="un-decimal")
    one_decimal.addElement(number.Number(decimalplaces=1, minintegerdigits=1))
    styles.addElement(one_decimal)
    decimal_cell = style.Style(name="cellule-decimale", family="table-cell", datastylename="un-decimal")
    styles.addElement(decimal_cell)
    header_cell = style.Style(name="entete", family="table-cell")
    header_cell.addElement(style.TableCellProperties(wrapoption="wrap", verticalalign="top"))
    header_cell.addElement(style.TextProperties(fontweight="bold"))
    styles.addElement(header_cell)
    wrapped_cell = style.Style(name="cellule-renvoi", family="table-cell")
    wrapped_cell.addElement(style.TableCellProperties(wrapoption="wrap", verticalalign="top"))
    styles.addElement(wrapped_cell)
    plain_cell = style.Style(name="cellule", family="table-cell")
    plain_cell.addElement(style.TableCellProperties(verticalalign="top"))
    styles.addElement(plain_cell)

    # Where each table's rows go: a row with a cell of each cell style (so odfpy writes the
    # styles, which it writes only when a cell uses them), replaced by the rows once saved.
    def placeholder() -> TableRow:
        row = TableRow()
        for cell_style in (decimal_cell, header_cell, wrapped_cell, plain_cell):
            row.addElement(TableCell(stylename=cell_style))
        row.addElement(TableCell(valuetype="string", stringvalue=ODS_ROWS_PLACEHOLDER))
        return row

    column_styles = {}
    rows = []
    for position, sheet in enumerate(sheets):
        table = Table(name=sheet.title)
        document.spreadsheet.addElement(table)
        for width in sheet.column_widths():
            # A character of the default font is about 0.2 cm wide.
            key = round(width * 0.2, 1)
            if key not in column_styles:
                column_styles[key] = style.Style(name=f"colonne-{len(column_styles) + 1}", family="table-column")
                column_styles[key].addElement(style.TableColumnProperties(columnwidth=f"{key}cm"))
                styles.addElement(column_styles[key])
            table.addElement(TableColumn(stylename=column_styles[key]))
        table.addElement(placeholder())
        decimals = set(decimal_columns.all()) if position == 0 else set()
        rows.append(_ods_rows(sheet, decimals, decimal_columns.rows).encode())
    document.meta.addElement(dc.Title(text=document_title(report)))
    if report.identity is not None:
        document.meta.addElement(dc.Subject(text=report.identity.description()))
        for keyword in report.identity.keywords():
            document.meta.addElement(meta.Keyword(text=keyword))
    # odfpy declares every namespace any element of this process has used so far, in the order
    # met: a fixed, complete table makes the file the same whatever ran before.
    Element.namespaces = dict(sorted(nsdict.items()))
    output = io.BytesIO()
    document.save(output)
    written = io.StringIO()
    placeholder().toXml(1, written)

    def add_rows(name: str, content: bytes) -> bytes:
        """Each table's rows in place of its placeholder row (the tables in the sheets' order)."""
        if name != "content.xml":
            return content
        parts = content.split(written.getvalue().encode())
        if len(parts) != len(rows) + 1:
            raise ValueError("The ODS's content holds one placeholder row per sheet.")
        return b"".join(part + sheet_rows for part, sheet_rows in zip(parts, rows, strict=False)) + parts[-1]

    return _reproducible_zip(output.getvalue(), situation_time(report.review), add_rows)

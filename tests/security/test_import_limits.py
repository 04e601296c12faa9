"""Imports are limited before the file is parsed (bytes, rows, what an XLSX or ODS archive
holds once uncompressed) and the preview stays light: a summary and at most 100 rows."""

import io
import re
import zipfile

import pytest
import tablib

from proposals.models import Proposal
from proposals.spreadsheets.imports import ImportFileError, check_archive
from tests.backoffice.helpers import spreadsheet, upload
from tests.factory import make_axis, make_institution

pytestmark = pytest.mark.django_db
HEADERS = ["cle", "numero", "axe", "titre", "texte", "resume", "porteur", "ordre"]


@pytest.fixture
def axis():
    make_institution("ville", "Ville")
    return make_axis(slug="ecologique", name="Transition écologique")


def rows(n):
    return [[f"p{i}", "", "ecologique", f"Proposition {i}", "", "", "ville", i] for i in range(n)]


def form_error(response) -> str:
    assert response.status_code == 200
    assert response.context.get("confirm_form") is None
    assert response.context.get("result") is None, "the rows were read"
    return " ".join(response.context["form"].errors.get("import_file", []))


def test_a_10000_row_csv_is_refused_by_the_row_limit(editor_client, axis):
    content = spreadsheet(HEADERS, rows(10_000), "csv")
    assert len(content) < 2 * 1024 * 1024

    response = upload(editor_client, "proposal", content, "csv")

    assert "lignes au plus" in form_error(response)
    assert not Proposal.objects.exists()


def _inflated(content: bytes, member_pattern: str, padding: int) -> bytes:
    """The same archive, with `padding` bytes of XML whitespace after the root element of the
    member matching `member_pattern`: valid, tiny compressed, huge uncompressed."""
    source = zipfile.ZipFile(io.BytesIO(content))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for info in source.infolist():
            data = source.read(info)
            if re.fullmatch(member_pattern, info.filename):
                data += b" " * padding
            target.writestr(info, data, compress_type=zipfile.ZIP_DEFLATED)
    return out.getvalue()


def test_an_xlsx_zip_bomb_is_refused_before_it_is_parsed(editor_client, axis, monkeypatch):
    bomb = _inflated(spreadsheet(HEADERS, rows(3), "xlsx"), r"xl/worksheets/sheet\d+\.xml", 60 * 1024 * 1024)
    assert len(bomb) < 200_000

    def parse(*args, **kwargs):
        raise AssertionError("the archive was parsed")

    monkeypatch.setattr("tablib.formats._xlsx.load_workbook", parse)

    response = upload(editor_client, "proposal", bomb, "xlsx")

    assert "une fois décompressé" in form_error(response)


def test_an_ods_zip_bomb_is_refused(editor_client, axis):
    bomb = _inflated(spreadsheet(HEADERS, rows(3), "ods"), r"content\.xml", 60 * 1024 * 1024)

    response = upload(editor_client, "proposal", bomb, "ods")

    assert "une fois décompressé" in form_error(response)


def test_an_archive_of_many_parts_is_refused(editor_client, axis):
    content = io.BytesIO(spreadsheet(HEADERS, rows(3), "xlsx"))
    with zipfile.ZipFile(content, "a") as archive:
        for i in range(2000):
            archive.writestr(f"xl/media/part{i}.bin", b"")

    response = upload(editor_client, "proposal", content.getvalue(), "xlsx")

    assert "trop de parties" in form_error(response)


def test_the_preview_shows_a_summary_and_at_most_100_rows(editor_client, axis):
    Proposal.objects.create(key="p0", axis=axis, title="Proposition 0", order=0).leads.add(make_institution("ville"))
    content = spreadsheet(HEADERS, rows(120), "csv")  # more rows than the preview shows

    response = upload(editor_client, "proposal", content, "csv")

    assert response.context["confirm_form"] is not None
    page = response.content.decode()
    assert "119 nouvelles lignes" in page and "1 ligne inchangée" in page
    table = page[page.index('class="import-preview"') :].split("</table>")[0]
    assert table.count("<tr") == 101  # the header and 100 rows
    assert "100 premières lignes sur 120" in page


def test_an_xlsx_of_too_many_rows_is_refused(editor_client, axis):
    dataset = tablib.Dataset(*rows(6000), headers=HEADERS)

    response = upload(editor_client, "proposal", dataset.export("xlsx"), "xlsx")

    assert "lignes au plus" in form_error(response)


@pytest.mark.parametrize("fmt", ["xlsx", "ods"])
def test_a_workbook_of_too_many_rows_is_refused_before_it_is_parsed(editor_client, axis, monkeypatch, fmt):
    content = tablib.Dataset(*[[f"p{i}", "", "", "", "", "", "", ""] for i in range(2100)], headers=HEADERS).export(fmt)

    def parse(*args, **kwargs):
        raise AssertionError("the workbook was parsed")

    monkeypatch.setattr("tablib.formats._xlsx.load_workbook", parse)
    monkeypatch.setattr("tablib.formats._ods.opendocument.load", parse)

    response = upload(editor_client, "proposal", content, fmt)

    assert "lignes au plus" in form_error(response)


def _with_elements(content: bytes, member_pattern: str, after: bytes, element: bytes, count: int) -> bytes:
    """The same archive, with `count` copies of an empty `element` right after `after` (in the
    member matching `member_pattern`): a valid workbook, small compressed and within the
    uncompressed limit, that costs a parser seconds and hundreds of megabytes."""
    source = zipfile.ZipFile(io.BytesIO(content))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for info in source.infolist():
            data = source.read(info)
            if re.fullmatch(member_pattern, info.filename):
                assert after in data
                data = data.replace(after, after + element * count, 1)
            target.writestr(info, data, compress_type=zipfile.ZIP_DEFLATED)
    return out.getvalue()


def _parsing_fails(monkeypatch):
    def parse(*args, **kwargs):
        raise AssertionError("the archive was parsed")

    monkeypatch.setattr("tablib.formats._xlsx.load_workbook", parse)
    monkeypatch.setattr("tablib.formats._ods.opendocument.load", parse)


def test_an_ods_of_880000_empty_elements_in_one_cell_is_refused_before_it_is_parsed(editor_client, axis, monkeypatch):
    content = spreadsheet(HEADERS, rows(1), "ods")
    bomb = _with_elements(content, r"content\.xml", b'<text:p text:style-name="None">', b"<text:s/>", 880_000)
    assert len(bomb) < 50_000
    _parsing_fails(monkeypatch)

    response = upload(editor_client, "proposal", bomb, "ods")

    assert "trop d'éléments" in form_error(response)
    assert not Proposal.objects.exists()


def test_an_xlsx_of_1900000_empty_cells_in_a_row_is_refused_before_it_is_parsed(editor_client, axis, monkeypatch):
    content = spreadsheet(HEADERS, rows(1), "xlsx")
    bomb = _with_elements(content, r"xl/worksheets/sheet\d+\.xml", b'<row r="2">', b"<c/>", 1_900_000)
    assert len(bomb) < 50_000
    _parsing_fails(monkeypatch)

    response = upload(editor_client, "proposal", bomb, "xlsx")

    assert "trop d'éléments" in form_error(response)
    assert not Proposal.objects.exists()


def _renamed_sheet(content: bytes) -> bytes:
    """The same workbook with its sheet stored as `sheet1.bin`: the parser follows the
    workbook's own links to it, whatever its name."""
    source = zipfile.ZipFile(io.BytesIO(content))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for info in source.infolist():
            data, name = source.read(info), info.filename
            if name == "xl/worksheets/sheet1.xml":
                name = "xl/worksheets/sheet1.bin"
            if name in ("xl/_rels/workbook.xml.rels", "[Content_Types].xml"):
                data = data.replace(b"worksheets/sheet1.xml", b"worksheets/sheet1.bin")
            target.writestr(name, data, compress_type=zipfile.ZIP_DEFLATED)
    return out.getvalue()


def test_a_sheet_under_another_name_is_scanned_too(editor_client, axis, monkeypatch):
    content = spreadsheet(HEADERS, rows(1), "xlsx")
    bomb = _renamed_sheet(_with_elements(content, r"xl/worksheets/sheet\d+\.xml", b'<row r="2">', b"<c/>", 1_900_000))
    assert tablib.Dataset().load(_renamed_sheet(content), format="xlsx").height == 1  # still a workbook
    _parsing_fails(monkeypatch)

    response = upload(editor_client, "proposal", bomb, "xlsx")

    assert "trop d'éléments" in form_error(response)
    assert not Proposal.objects.exists()


def test_the_rows_of_a_sheet_under_another_name_are_counted():
    many = spreadsheet(HEADERS, rows(2_100), "xlsx")

    with pytest.raises(ImportFileError):
        check_archive(_renamed_sheet(many))


@pytest.mark.parametrize("fmt", ["xlsx", "ods"])
def test_a_full_workbook_of_2000_rows_is_within_the_tag_limit(fmt):
    columns = [f"colonne_{index}" for index in range(15)]
    content = spreadsheet(columns, [[f"texte {row} {column}" for column in columns] for row in range(2000)], fmt)

    check_archive(content)  # raises nothing

"""Real titles: as long as a convention writes them (up to 1,000 characters), imported and shown
whole on the proposal's page and in the documents; a short title, when given, where space is short."""

import io
import xml.etree.ElementTree as ET

import openpyxl
import pytest
from django.core.exceptions import ValidationError

from proposals.models import Proposal
from tests.backoffice.helpers import export, import_and_confirm, spreadsheet
from tests.factory import make_axis, make_proposal, make_review, set_status

pytestmark = pytest.mark.django_db

HEADERS = ["cle", "numero", "axe", "titre", "intitule_court", "texte", "resume", "porteur", "ordre"]
LONG_TITLE = ("Garantir à chaque habitant un accès digne et durable à une alimentation saine " * 13)[:999] + "."


def long_title(end: str) -> str:
    return LONG_TITLE[: 1000 - len(end)] + end


@pytest.fixture
def axis():
    return make_axis(slug="se-nourrir", name="Se nourrir")


@pytest.mark.parametrize("fmt", ["csv", "xlsx", "ods"])
def test_a_1000_character_title_imports_and_shows_whole(editor_client, citizen, axis, fmt):
    title = long_title("FIN-DU-TITRE")
    assert len(title) == 1000
    content = spreadsheet(HEADERS, [["nourrir", 1, "se-nourrir", title, "Manger sain", "", "", "", 1]], fmt)

    import_and_confirm(editor_client, "proposal", content, fmt)

    proposal = Proposal.objects.get(key="nourrir")
    assert (proposal.title, proposal.short_title) == (title, "Manger sain")
    page = citizen.get("/propositions/nourrir/")
    assert page.status_code == 200
    assert f"<h1>{title}</h1>" in page.content.decode()


def test_a_file_without_the_short_title_column_still_imports(editor_client, axis):
    make_proposal(axis, key="nourrir", title="Ancien intitulé", short_title="Court")
    headers = [header for header in HEADERS if header != "intitule_court"]
    content = spreadsheet(headers, [["nourrir", 1, "se-nourrir", "Nouvel intitulé", "", "", "", 1]], "csv")

    import_and_confirm(editor_client, "proposal", content, "csv")

    proposal = Proposal.objects.get(key="nourrir")
    assert (proposal.title, proposal.short_title) == ("Nouvel intitulé", "Court")


def test_the_export_has_the_short_title_column(editor_client, axis):
    make_proposal(axis, key="nourrir", title=long_title("."), short_title="Manger sain")

    exported = export(editor_client, "proposal", "csv").decode("utf-8-sig")

    header, row = exported.splitlines()[:2]
    assert "intitule_court" in header.split(",")
    assert "Manger sain" in row and long_title(".") in row


def test_a_title_over_1000_characters_is_refused_in_french(axis):
    proposal = Proposal(key="trop", axis=axis, title="x" * 1001)

    with pytest.raises(ValidationError) as error:
        proposal.full_clean()

    assert "au plus 1000 caractères (actuellement 1001)" in str(error.value)


@pytest.fixture
def long_and_short(axis):
    """Three proposals of one axis; the middle one has a long title and a short one."""
    first = make_proposal(axis, key="a-premiere", title="Première proposition", order=1)
    middle = make_proposal(axis, key="b-longue", title=long_title("FIN"), short_title="Manger sain", order=2)
    last = make_proposal(axis, key="c-derniere", title="Dernière proposition", order=3)
    for proposal in (first, middle, last):
        set_status(proposal, 2025, "underway")
    make_review(2025)
    return middle


def test_the_tracking_table_shows_the_short_title_when_there_is_one(citizen, long_and_short):
    html = citizen.get("/propositions/").content.decode()

    assert ">Manger sain</a>" in html
    assert long_title("FIN") not in html
    assert ">Première proposition</a>" in html


def test_the_table_searches_the_short_title_too(citizen, long_and_short):
    html = citizen.get("/propositions/?q=manger").content.decode()

    assert "><mark>Manger</mark> sain</a>" in html
    assert "Première proposition" not in html


def test_the_proposal_page_has_the_full_title_and_the_short_one_in_its_tab(citizen, long_and_short):
    html = citizen.get("/propositions/b-longue/").content.decode()

    assert f"<h1>{long_title('FIN')}</h1>" in html
    title_tag = html.split("<title>")[1].split("</title>")[0]
    assert title_tag.startswith("Manger sain · Se nourrir")


def test_the_neighbours_links_use_the_short_title(citizen, long_and_short):
    html = citizen.get("/propositions/a-premiere/").content.decode()
    pager = html.split('class="pager"')[1]

    assert "Manger sain</a>" in pager
    assert long_title("FIN") not in pager


def test_the_feed_uses_the_short_title(citizen, long_and_short):
    items = ET.fromstring(citizen.get("/flux/").content).find("channel").findall("item")

    assert "2025 · Manger sain : En cours" in [item.findtext("title") for item in items]


def test_the_review_documents_keep_the_full_title(citizen, long_and_short):
    review_csv = citizen.get("/bilans/2025.csv").content.decode("utf-8-sig")
    workbook = openpyxl.load_workbook(io.BytesIO(citizen.get("/bilans/2025.xlsx").content))
    cells = {cell.value for sheet in workbook for row in sheet.iter_rows() for cell in row}

    assert long_title("FIN") in review_csv
    assert long_title("FIN") in cells

"""Any convention, by data: a national one (a government and a parliament, six axes) renders
every public page and document in its own words, and none speaks of Clermont, of a Ville or of
a Métropole."""

import datetime
import io
import re
import subprocess
import zipfile

import pytest
from openpyxl import load_workbook

from proposals.models import Convention, Source
from reports.models import Deliberation
from tests.factory import (
    make_assembly,
    make_axis,
    make_institution,
    make_key_figure,
    make_project,
    make_proposal,
    make_review,
    set_status,
)
from tests.snapshots import replayed

pytestmark = pytest.mark.django_db

FORBIDDEN = re.compile(r"clermont|\bville\b|m[ée]tropol", re.IGNORECASE)
# A city's words: this convention has «thèmes», «textes adoptés» and a «rapport» (axe-core is a tool).
CITY_WORDS = re.compile(r"\baxes?\b(?!-core)|axe de transition|d[ée]lib[ée]ration|conseils?\b", re.IGNORECASE)


def visible_text(html: str) -> str:
    """What a reader sees of a page, but the open data's codes («axe», <code>axe_libelle</code>):
    no tags, no attributes, no addresses."""
    html = re.sub(r"<code>.*?</code>|« \w+ »", " ", html)
    return re.sub(r"<[^>]+>", " ", html)


NAME = "Convention citoyenne nationale sur l'eau"
SHORT_NAME = "Convention sur l'eau"

AXES = [
    ("boire", "Garantir à chacun l'accès à une eau potable de qualité"),
    ("cultiver", "Adapter l'agriculture aux sécheresses"),
    ("proteger", "Protéger les rivières, les nappes et les zones humides"),
    ("partager", "Partager l'eau entre les usages de façon équitable"),
    ("financer", "Financer les réseaux et les stations d'épuration"),
    ("decider", "Décider ensemble de la gestion de l'eau"),
]
STATUSES = ["implemented", "underway", "not_implemented", "out_of_scope"]


def build_national():
    Convention.objects.create(
        pk=1,  # one convention per site
        name=NAME,
        short_name=SHORT_NAME,
        addressed_to="le Gouvernement et le Parlement",
        introduction="Cent cinquante personnes tirées au sort ont remis leurs mesures.",
        axis_name="thème",
        axis_name_plural="thèmes",
        decision_name="texte adopté",
        decisions_title="Les textes adoptés au Parlement",
        document_name="le rapport remis au Parlement",
    )
    government = make_institution("gouvernement", "Gouvernement", order=1)
    make_institution("parlement", "Parlement", order=2)
    proposals = []
    for index, (slug, name) in enumerate(AXES):
        axis = make_axis(slug=slug, name=name, order=index)
        for rank in range(2):
            proposal = make_proposal(
                axis,
                key=f"{slug}-{rank}",
                number=index * 2 + rank + 1,
                title=f"Mesure {rank + 1} du thème {name}",
                summary="Une mesure de la convention.",
                order=rank,
                leads=["gouvernement", "parlement"] if rank else ["parlement"],
            )
            set_status(proposal, 2024, "underway", explanation="Le travail commence.")
            set_status(proposal, 2025, STATUSES[(index + rank) % 4], explanation="Le point au bilan.")
            proposals.append(proposal)
    Source.objects.update(label="Rapport du Gouvernement au Parlement")
    proposals[0].leads.add(government)
    project = make_project(proposals[:3], slug="plan-eau", title="Plan eau", lead="gouvernement", start_year=2024)
    make_key_figure(project, label="réseaux rénovés", value=120, unit="km", year=2025)
    make_project([], slug="sans-mesure", title="Projet sans mesure")
    chamber = make_assembly("assemblee", "Assemblée nationale", order=1)
    senate = make_assembly("senat", "Sénat", order=2)
    for year in (2024, 2025):
        review = make_review(year, published=False, situation_date=datetime.date(year, 11, 30), is_final=year == 2025)
        Deliberation.objects.create(review=review, body=chamber, date=datetime.date(year, 12, 10), reference=f"T{year}")
        Deliberation.objects.create(
            review=review, body=senate, date=datetime.date(year, 12, 12), reference="Débat en séance publique n° 42"
        )
        review.publish()
    return proposals


@pytest.fixture
def national(db):
    return replayed(build_national)


PAGES = [
    "/",
    "/propositions/",
    "/propositions/?porteur=gouvernement&tri=porteur",
    "/propositions/boire-0/",
    "/propositions/decider-1/",
    "/projets/",
    "/projets/plan-eau/",
    "/bilans/",
    "/bilans/2024/",
    "/bilans/2025/",
    "/donnees/",
    "/accessibilite/",
    "/propositions/inconnue/",  # the 404 page
]
DATA = ["/propositions.csv", "/propositions.json", "/bilans/2025.csv", "/bilans/2025.json", "/flux/", "/sitemap.xml"]


@pytest.mark.parametrize("url", PAGES)
def test_every_page_speaks_of_this_convention_only_and_in_its_words(citizen, national, url):
    response = citizen.get(url)

    html = response.content.decode()
    assert response.status_code == (404 if "inconnue" in url else 200)
    assert not FORBIDDEN.findall(html)
    assert re.search(rf"<title>[^<]+ — {re.escape(SHORT_NAME)}</title>", html.replace("&#x27;", "'"))
    assert f'<p class="site-name"><a href="/">{NAME}</a></p>' in html.replace("&#x27;", "'")
    assert not CITY_WORDS.findall(visible_text(html))


def test_the_pages_speak_of_its_institutions_and_assemblies(citizen, national):
    table = citizen.get("/propositions/").content.decode()
    review = citizen.get("/bilans/2025/").content.decode().replace("&#x27;", "'")
    home = citizen.get("/").content.decode()

    assert "Gouvernement, Parlement" in table
    assert f"<h1>Bilan 2025 — {SHORT_NAME}" in review
    assert "Assemblée nationale, séance du 10 décembre 2025 : texte adopté n° T2025" in review
    assert "Sénat, séance du 12 décembre 2025 : Débat en séance publique n° 42" in review
    assert "réalisé ou engagé par le Gouvernement et le Parlement" in home


@pytest.mark.parametrize("url", DATA)
def test_every_data_file_speaks_of_this_convention_only(citizen, national, url):
    response = citizen.get(url)

    assert response.status_code == 200
    assert not FORBIDDEN.findall(response.content.decode("utf-8"))


def test_the_feed_is_titled_after_the_convention(citizen, national):
    feed = citizen.get("/flux/").content.decode()

    assert f"<title>{SHORT_NAME} : les statuts publiés</title>" in feed.replace("&#x27;", "'")


@pytest.mark.parametrize("fmt", ["xlsx", "ods"])
def test_the_spreadsheets_speak_of_this_convention_only(citizen, national, fmt):
    content = citizen.get(f"/bilans/2025.{fmt}").content

    with zipfile.ZipFile(io.BytesIO(content)) as archive:
        text = " ".join(archive.read(name).decode("utf-8", "replace") for name in archive.namelist())
    assert "Gouvernement ; Parlement" in text  # the proposals sheet names who carries each proposal
    assert not FORBIDDEN.findall(text)


def test_the_pdf_is_titled_after_the_convention(citizen, national):
    content = citizen.get("/bilans/2025.pdf").content

    text = subprocess.run(["pdftotext", "-", "-"], input=content, capture_output=True, check=True).stdout.decode()
    text = re.sub(r"\s+", " ", text)
    assert not FORBIDDEN.findall(text)
    assert NAME in text
    assert "La mise en œuvre des propositions par le Gouvernement et le Parlement" in text
    assert "Assemblée nationale" in text


def test_without_a_convention_the_site_has_a_neutral_name(citizen, db):
    html = citizen.get("/").content.decode()

    assert "<h1>Suivi de la convention citoyenne</h1>" in html
    assert "<title>Accueil — Suivi de la convention citoyenne</title>" in html
    assert not FORBIDDEN.findall(html)


def test_the_back_office_is_headed_with_the_conventions_name(superuser_client, national):
    html = superuser_client.get("/admin/").content.decode().replace("&#x27;", "'")

    assert f'<div id="site-name"><a href="/admin/">{NAME}</a></div>' in html
    assert not FORBIDDEN.findall(html)


def test_the_review_speaks_of_themes_adopted_texts_and_a_report(citizen, national):
    text = visible_text(citizen.get("/bilans/2025/").content.decode())

    assert "Thème" in text and "par thème" in text
    assert "Les textes adoptés au Parlement" in text
    assert "PDF, le rapport remis au Parlement" in text


def test_the_documents_speak_in_this_conventions_words(citizen, national):
    pdf = citizen.get("/bilans/2025.pdf").content
    text = subprocess.run(["pdftotext", "-", "-"], input=pdf, capture_output=True, check=True).stdout.decode()
    summary = load_workbook(io.BytesIO(citizen.get("/bilans/2025.xlsx").content))["Synthèse"]

    text = re.sub(r"\s+", " ", text)
    assert not CITY_WORDS.findall(text)
    assert "Les textes adoptés au Parlement" in text and "texte adopté n° T2025" in text
    assert summary["A1"].value == "Thème"

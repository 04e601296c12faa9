"""Institutions are data: any convention has its own, a proposal may be carried by several, and
Clermont's links (`?porteur=ville`…) keep answering the same rows."""

import csv
import io
import json
import re

import pytest
from django.urls import reverse

from proposals.models import Institution, Proposal
from tests.backoffice.helpers import export, import_and_confirm, import_errors, spreadsheet, upload
from tests.factory import make_axis, make_institution, make_project, make_proposal, make_review, set_status
from tests.snapshots import replayed

pytestmark = pytest.mark.django_db

PROPOSAL_HEADERS = ["cle", "numero", "axe", "titre", "texte", "resume", "porteur", "ordre"]


def rows(response) -> list[str]:
    """The proposal keys of the tracking table, in order."""
    return re.findall(r'<a href="/propositions/([^/"]+)/"', response.content.decode())


def build_national():
    government = make_institution("gouvernement", "Gouvernement", order=1)
    parliament = make_institution("parlement", "Parlement", order=2)
    axis = make_axis(slug="se-nourrir", name="Se nourrir")
    joint = make_proposal(axis, key="joint", title="Une loi sur l'alimentation", order=1)
    joint.leads.set([parliament, government])
    by_law = make_proposal(axis, key="loi", title="Voter un texte", order=2, lead="parlement")
    decree = make_proposal(axis, key="decret", title="Prendre un décret", order=3, lead="gouvernement")
    unknown = make_proposal(axis, key="inconnu", title="Porteur à préciser", order=4)
    for proposal in (joint, by_law, decree, unknown):
        set_status(proposal, 2025, "underway")
    make_review(2025)
    return {"government": government, "parliament": parliament, "joint": joint}


@pytest.fixture
def national(db):
    """A national convention: a government and a parliament, one measure carried by both."""
    return replayed(build_national)


def test_the_filter_offers_the_conventions_own_institutions(citizen, national):
    page = citizen.get("/propositions/").content.decode()

    assert '<option value="gouvernement">Gouvernement</option>' in page
    assert '<option value="parlement">Parlement</option>' in page
    assert "Ville" not in page and "Métropole" not in page


def test_a_proposal_carried_jointly_answers_each_of_its_institutions(citizen, national):
    assert rows(citizen.get("/propositions/?porteur=gouvernement")) == ["joint", "decret"]
    assert rows(citizen.get("/propositions/?porteur=parlement")) == ["joint", "loi"]


def test_the_table_and_the_page_name_every_institution_in_their_order(citizen, national):
    table = citizen.get("/propositions/").content.decode()
    page = citizen.get("/propositions/joint/").content.decode()

    assert re.search(r">\s*Gouvernement, Parlement\s*</td>", table)
    assert "<dt>Porteurs</dt><dd>Gouvernement, Parlement</dd>" in page
    assert "<dt>Porteur</dt><dd>Non renseigné</dd>" in citizen.get("/propositions/inconnu/").content.decode()


def test_sorting_by_institution_follows_their_order_not_their_name(citizen, national):
    assert rows(citizen.get("/propositions/?tri=porteur")) == ["joint", "decret", "loi", "inconnu"]

    national["government"].order = 3  # after the parliament now: a joint proposal sorts by its first
    national["government"].save()

    assert rows(citizen.get("/propositions/?tri=porteur")) == ["joint", "loi", "decret", "inconnu"]
    assert rows(citizen.get("/propositions/?tri=-porteur")) == ["decret", "joint", "loi", "inconnu"]


def test_an_unknown_code_is_reported_not_a_500(citizen, national):
    response = citizen.get("/propositions/?porteur=ville")

    assert response.status_code == 200
    assert rows(response) == ["joint", "loi", "decret", "inconnu"]  # the filter is ignored, and said so
    assert "Porteur" in response.content.decode()


def test_open_data_gives_the_codes_and_donnees_lists_the_institutions(citizen, national):
    data = json.loads(citizen.get("/propositions.json").content)
    by_key = {row["cle"]: row["porteur"] for row in data["propositions"]}
    lines = list(csv.DictReader(io.StringIO(citizen.get("/propositions.csv").content.decode("utf-8-sig"))))
    page = citizen.get("/donnees/").content.decode()

    assert by_key == {"joint": "gouvernement;parlement", "loi": "parlement", "decret": "gouvernement", "inconnu": ""}
    assert {line["cle"]: line["porteur"] for line in lines} == by_key
    assert '<th scope="row"><code>gouvernement</code></th><td>Gouvernement</td>' in page
    assert "porteur=gouvernement" in page
    assert "ville" not in page.lower()


def test_a_project_names_its_institution(citizen, national):
    make_project([national["joint"]], slug="plan", title="Plan alimentation", lead="gouvernement")

    assert "Gouvernement" in citizen.get("/projets/").content.decode()
    assert "<dt>Porteur</dt><dd>Gouvernement</dd>" in citizen.get("/projets/plan/").content.decode()


# Clermont: the same links answer the same rows as when institutions were a fixed list.


JOINT = ["eco-pietons", "eco-sensibilisation-carbone", "soc-reconditionnement"]


def test_clermonts_joint_proposals_carry_the_ville_and_the_metropole(citizen, clermont):
    metropole = rows(citizen.get("/propositions/?porteur=metropole"))
    assert metropole == [
        "eco-maraichage",
        "eco-pietons",
        "eco-plu",
        "eco-sensibilisation-carbone",
        "soc-reconditionnement",
    ]
    ville = rows(citizen.get("/propositions/?porteur=ville"))
    assert len(ville) == 18 and set(JOINT) <= set(ville)
    # The former links keep answering: the proposals carried by both.
    assert rows(citizen.get("/propositions/?porteur=ville_metropole")) == JOINT
    assert rows(citizen.get("/propositions/?porteur=aucun")) == ["dem-travail-territoire", "soc-solidarite"]
    for key in JOINT:
        assert list(Proposal.objects.get(key=key).leads.values_list("code", flat=True)) == ["ville", "metropole"]
    assert list(Institution.objects.values_list("code", "name")) == [
        ("ville", "Ville"),
        ("metropole", "Métropole"),
        ("ville_metropole", "Ville et Métropole"),
        ("aucun", "Aucune (hors compétences)"),
    ]


def test_the_table_names_both_carriers_and_guesses_none(citizen, clermont):
    page = citizen.get("/propositions/").content.decode()

    assert page.count('<td data-label="Porteur">Ville, Métropole</td>') == 3
    assert page.count('<td data-label="Porteur">Non renseigné</td>') == 18
    assert "Ville et Métropole</td>" not in page


def test_a_joint_institution_is_data(citizen, db):
    """Any convention declares its own: a proposal carried by the joint institution itself is
    carried by each member too."""
    axis = make_axis()
    gouvernement = make_institution("gouvernement", "Gouvernement", order=1)
    parlement = make_institution("parlement", "Parlement", order=2)
    make_institution("etat", "L'État", order=3).members.set([gouvernement, parlement])
    make_proposal(axis, key="by-both", leads=["gouvernement", "parlement"], order=1)
    make_proposal(axis, key="by-the-joint", leads=["etat"], order=2)
    make_proposal(axis, key="by-one", leads=["parlement"], order=3)
    make_proposal(axis, key="by-none", order=4)

    assert rows(citizen.get("/propositions/?porteur=gouvernement")) == ["by-both", "by-the-joint"]
    assert rows(citizen.get("/propositions/?porteur=parlement")) == ["by-both", "by-the-joint", "by-one"]
    assert rows(citizen.get("/propositions/?porteur=etat")) == ["by-both", "by-the-joint"]


# The back office: edited with a history, imported and exported.


def test_an_editor_adds_an_institution_with_its_history(editor_client, editor):
    response = editor_client.post(
        reverse("admin:proposals_institution_add"), {"name": "Gouvernement", "code": "gouvernement", "order": 1}
    )

    assert response.status_code == 302
    institution = Institution.objects.get(code="gouvernement")
    assert institution.history.get().history_user == editor


def test_an_editor_declares_a_joint_institution_with_its_history(editor_client, citizen):
    ville, metropole = make_institution("ville"), make_institution("metropole")
    make_proposal(key="commune", leads=["ville", "metropole"])

    response = editor_client.post(
        reverse("admin:proposals_institution_add"),
        {"name": "Ville et Métropole", "code": "ville_metropole", "order": 3, "members": [ville.pk, metropole.pk]},
    )

    assert response.status_code == 302
    joint = Institution.objects.get(code="ville_metropole")
    assert set(joint.members.all()) == {ville, metropole}
    assert {row.to_institution for row in joint.history.latest().members.all()} == {ville, metropole}
    assert rows(citizen.get("/propositions/?porteur=ville_metropole")) == ["commune"]


def test_institutions_import_from_a_spreadsheet(editor_client):
    content = spreadsheet(
        ["code", "nom", "ordre"], [["gouvernement", "Gouvernement", 1], ["parlement", "Parlement", ""]], "csv"
    )

    import_and_confirm(editor_client, "institution", content, "csv")

    assert list(Institution.objects.values_list("code", "name", "order")) == [
        ("parlement", "Parlement", 0),
        ("gouvernement", "Gouvernement", 1),
    ]
    assert export(editor_client, "institution", "csv").decode().splitlines()[0] == "code,nom,ordre"


def test_proposals_import_their_institutions_by_code_or_by_name(editor_client, national):
    content = spreadsheet(
        PROPOSAL_HEADERS,
        [
            ["p1", "", "se-nourrir", "Par les codes", "", "", "gouvernement;parlement", 1],
            ["p2", "", "se-nourrir", "Par les noms", "", "", "gouvernement ; PARLEMENT", 2],
            ["p3", "", "se-nourrir", "Sans porteur", "", "", "", 3],
        ],
        "csv",
    )

    import_and_confirm(editor_client, "proposal", content, "csv")

    for key in ["p1", "p2"]:
        assert list(Proposal.objects.get(key=key).leads.values_list("code", flat=True)) == ["gouvernement", "parlement"]
    assert not Proposal.objects.get(key="p3").leads.exists()
    exported = export(editor_client, "proposal", "csv").decode()
    assert "Par les codes,,,,gouvernement;parlement,1" in exported  # titre, intitule_court, texte, resume


def test_an_unknown_institution_is_a_french_row_error_that_lists_the_codes(editor_client, national):
    content = spreadsheet(PROPOSAL_HEADERS, [["p1", "", "se-nourrir", "Titre", "", "", "Ville", 1]], "csv")

    response = upload(editor_client, "proposal", content, "csv")

    assert "Porteur inconnu « Ville » (codes possibles : gouvernement, parlement)." in import_errors(response)
    assert not Proposal.objects.filter(key="p1").exists()


@pytest.mark.django_db(transaction=True)
def test_a_new_database_has_no_institution_of_anyone_else():
    assert not Institution.objects.exists()

"""`make demo`: a fictitious national convention of another shape, in an empty database only,
marked as fictitious on every page, with the follow-up committee's published assessment."""

import json
import re

import pytest
from django.core.management import CommandError, call_command
from django.db.models import Count

from assessments.models import CommitteeVersion
from convention.management.commands.generate_demo import DEMO_TITLE_LENGTH
from proposals.models import Axis, Convention, Institution, Proposal
from reports.models import AnnualReview
from tests.pdf_checks import conformance_failures
from tests.snapshots import replayed

pytestmark = [
    pytest.mark.django_db,
    pytest.mark.engine_independent("`make demo` serves it from a SQLite file; its pages and documents are the site's"),
]

FORBIDDEN = re.compile(r"clermont|\bville\b|m[ée]tropol", re.IGNORECASE)
BANNER = "Convention fictive — démonstration : les propositions, les statuts et les bilans de ce site sont générés"


def build_demo():
    call_command("generate_demo", verbosity=0)


@pytest.fixture
def demo(db):
    replayed(build_demo)


def test_it_loads_a_convention_of_another_shape(demo):
    per_axis = Axis.objects.annotate(n=Count("proposals")).order_by("order").values_list("n", flat=True)
    longest = max(len(title) for title in Proposal.objects.values_list("title", flat=True))
    cut = Proposal.objects.filter(title__endswith="…")

    assert Proposal.objects.count() == 146
    assert list(per_axis) == [31, 28, 25, 22, 21, 19]
    assert min(len(name) for name in Axis.objects.values_list("name", flat=True)) > 60
    assert 380 <= longest <= DEMO_TITLE_LENGTH  # long titles, as a national convention writes them
    assert cut.exists()
    assert {"Gouvernement", "Parlement"} <= set(Institution.objects.values_list("name", flat=True))
    assert Proposal.objects.annotate(n=Count("leads")).filter(n=2).exists()  # carried jointly
    assert list(AnnualReview.objects.published().values_list("year", flat=True)) == [2025, 2024]
    assert Convention.objects.get().is_demo


def test_a_title_cut_to_the_demo_length_ends_at_a_word_and_its_text_keeps_it_whole(demo):
    cut = list(Proposal.objects.filter(title__endswith="…"))

    assert cut
    for proposal in cut:
        kept = proposal.title.removesuffix("…")
        assert proposal.text.startswith(kept)  # the whole measure is kept in its text
        assert proposal.text[len(kept)] in " ,"  # no word was cut
        assert len(proposal.text) > len(proposal.title)


def test_it_shows_the_committee_beside_the_institutions(citizen, demo):
    version = CommitteeVersion.objects.get()
    entries = version.entries.all()
    grades = [entry.grade for entry in entries]
    review = citizen.get("/bilans/2025/").content.decode()
    table = citizen.get("/propositions/").content.decode()

    assert version.review.year == 2025 and version.statement
    assert len(version.axis_statements) == 6
    assert entries.count() == Proposal.objects.count()
    assert None in grades and {0, 10} & set(grades)  # «pas d'avis» and the ends of the scale
    assert entries.exclude(comment="").exists() and entries.exclude(fidelity="").exists()
    assert entries.exclude(sources=[]).exists()
    assert "Avis du comité" in table
    assert "Note moyenne du comité" in review and "Le comité, " in review
    assert citizen.get("/propositions/?avis=ecart").context["page"].paginator.count > 0
    # The stored 2025 documents carry the committee's voice: it published before the review.
    assert "committee" in json.loads(citizen.get("/bilans/2025.json").content)


def test_its_pdfs_pass_both_pdf_checkers(citizen, demo):
    """Six axes of long names, 146 measures of long titles, the committee's voice in 2025."""
    for year in (2024, 2025):
        assert conformance_failures(citizen.get(f"/bilans/{year}.pdf").content) == [], year


@pytest.mark.parametrize(
    "url", ["/", "/propositions/", "/propositions/mesure-1/", "/projets/", "/bilans/", "/bilans/2025/", "/donnees/"]
)
def test_every_page_says_it_is_fictitious(citizen, demo, url):
    html = citizen.get(url).content.decode()

    assert BANNER in html
    assert "<title>" in html and "— Convention fictive</title>" in html
    assert not FORBIDDEN.findall(html)


def test_a_real_convention_shows_no_banner(citizen, clermont):
    assert "Convention fictive" not in citizen.get("/").content.decode()


def test_it_never_mixes_with_a_real_convention(clermont):
    with pytest.raises(CommandError, match="base vide"):
        call_command("generate_demo", verbosity=0)

    assert Proposal.objects.count() == 40
    assert not Convention.objects.get().is_demo


def test_running_it_again_changes_nothing(demo):
    call_command("generate_demo", verbosity=0)

    assert Proposal.objects.count() == 146

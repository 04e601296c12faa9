import pytest
from django.core.management import call_command
from django.db.models import Count

from proposals.models import Axis, KeyFigure, Project, Proposal, Source, YearlyStatus
from reports.models import AnnualReview

pytestmark = pytest.mark.django_db

MODELS = [Axis, Proposal, YearlyStatus, Source, Project, KeyFigure, AnnualReview]


def counts() -> dict:
    return {model.__name__: model.objects.count() for model in MODELS} | {
        "links": Project.proposals.through.objects.count()
    }


def test_it_loads_twice_without_duplicates(clermont):
    first = counts()
    call_command("loaddata", "clermont", verbosity=0)

    assert counts() == first
    assert first["Proposal"] == 40
    assert first["Project"] == 26


def test_it_has_the_conventions_proposals_per_axis(clermont):
    per_axis = dict(Axis.objects.annotate(n=Count("proposals")).values_list("slug", "n"))

    assert per_axis == {"ecologique": 16, "democratique": 13, "sociale": 11}


def test_it_has_the_2025_statuses_with_their_source(clermont):
    statuses = YearlyStatus.objects.filter(year=2025)

    assert statuses.count() == 40
    assert statuses.filter(status="implemented").count() == 34
    assert dict(statuses.values_list("status").annotate(n=Count("pk")).order_by()) == {
        "implemented": 34,
        "underway": 2,
        "not_implemented": 2,
        "out_of_scope": 2,
    }
    assert not statuses.filter(sources__isnull=True).exists()
    assert set(Source.objects.values_list("url", flat=True)) == {
        "https://clermontparticipatif.fr/blog/resultats-de-la-convention-citoyenne-clermontoise"
    }


def test_untitled_proposals_are_marked_not_invented(clermont):
    untitled = Proposal.objects.filter(title="")

    assert untitled.count() == 16
    assert {p.display_title for p in untitled} == {"Intitulé à compléter"}


def test_the_final_2025_review_is_published(clermont):
    review = AnnualReview.objects.published().get()

    assert (review.year, review.is_final) == (2025, True)


def test_no_printed_rate_from_the_source_is_copied(clermont):
    texts = " ".join(
        [*Proposal.objects.values_list("summary", flat=True)]
        + [*YearlyStatus.objects.values_list("explanation", flat=True)]
        + [*Project.objects.values_list("focus", flat=True)]
        + [*AnnualReview.objects.values_list("introduction", flat=True)]
    )

    assert "84,5" not in texts
    assert "%" not in texts

"""A published review is a record in its model, as the committee's year is: its own fields
and its deliberations change only through a rectificatif, and its year never, whatever the
path (a form, the admin, a script that calls save())."""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from reports.models import AnnualReview, Deliberation
from tests.factory import make_assembly, make_axis, make_proposal, make_review, set_status

pytestmark = pytest.mark.django_db


@pytest.fixture
def published():
    set_status(make_proposal(make_axis()), 2026, "implemented")
    review = AnnualReview.objects.create(year=2026, situation_date=datetime.date(2026, 12, 1), introduction="Texte")
    Deliberation.objects.create(
        review=review, body=make_assembly("ville"), date=datetime.date(2026, 12, 15), reference="DEL-1"
    )
    review.publish(with_documents=False)
    return review


def stored(review) -> dict:
    return AnnualReview.objects.filter(pk=review.pk).values("year", "introduction", "is_final").get()


@pytest.mark.parametrize(
    "field, value", [("introduction", "Réécrit"), ("is_final", True), ("situation_date", datetime.date(2026, 1, 1))]
)
def test_a_locked_review_refuses_changes_to_its_own_fields(published, field, value):
    before = stored(published)
    setattr(published, field, value)

    with pytest.raises(ValidationError, match="est publié"):
        published.full_clean()
    with pytest.raises(ValidationError, match="rectificatif"):
        published.save()

    assert stored(published) == before


def test_a_published_review_never_moves_to_another_year(published):
    published.open_correction("Une erreur de statut")
    published.year = 2027

    with pytest.raises(ValidationError) as error:
        published.full_clean()
    assert "son année ne peut plus changer" in str(error.value)
    with pytest.raises(ValidationError):
        published.save()

    assert stored(published)["year"] == 2026


def test_an_open_rectificatif_lets_the_texts_change_and_publishing_it_locks_them_again(published):
    published.open_correction("Une erreur")
    published.introduction = "Texte corrigé"
    published.full_clean()
    published.save()

    version = published.publish(with_documents=False)

    assert version.number == 2 and version.introduction == "Texte corrigé"
    published.introduction = "Encore"
    with pytest.raises(ValidationError):
        published.save()


def test_a_draft_changes_freely():
    review = make_review(2027, published=False)
    review.year = 2028
    review.introduction = "Nouveau"
    review.full_clean()
    review.save()

    assert stored(review)["year"] == 2028


def test_a_locked_reviews_deliberations_are_neither_added_changed_nor_deleted(published):
    existing = published.deliberations.get()
    added = Deliberation(review=published, body=existing.body, date=datetime.date(2026, 12, 20), reference="DEL-2")
    with pytest.raises(ValidationError, match="délibérations"):
        added.full_clean()
    with pytest.raises(ValidationError):
        added.save()

    existing.reference = "DEL-1-bis"
    with pytest.raises(ValidationError):
        existing.save()
    with pytest.raises(ValidationError):
        Deliberation.objects.get().delete()

    assert list(Deliberation.objects.values_list("reference", flat=True)) == ["DEL-1"]


def test_a_deliberation_does_not_leave_a_locked_review_for_a_draft(published):
    draft = make_review(2027, published=False)
    deliberation = published.deliberations.get()
    deliberation.review = draft

    with pytest.raises(ValidationError):
        deliberation.save()
    assert Deliberation.objects.get().review_id == published.pk


def test_under_a_rectificatif_deliberations_are_recorded(published):
    published.open_correction("Une délibération manquait")
    deliberation = Deliberation(
        review=published, body=make_assembly("ville"), date=datetime.date(2026, 12, 20), reference="DEL-2"
    )
    deliberation.full_clean()
    deliberation.save()

    assert published.deliberations.count() == 2


def test_a_clerk_adds_a_deliberation_to_a_locked_review_only_as_a_dated_addition(clerk_client, published):
    data = {"review": published.pk, "body": make_assembly("ville").pk, "date": "2026-12-20", "reference": "DEL-2"}
    recorded = published.latest_version().deliberations

    response = clerk_client.post(reverse("admin:reports_deliberation_add"), data)

    assert response.status_code == 302
    assert published.deliberations.get(reference="DEL-2").added_to == published.latest_version()
    assert published.latest_version().deliberations == recorded  # the record is unchanged


def test_a_locked_reviews_deliberation_is_read_only_in_the_back_office(clerk_client, published):
    deliberation = published.deliberations.get()
    url = reverse("admin:reports_deliberation_change", args=[deliberation.pk])

    clerk_client.post(
        url, {"review": published.pk, "body": deliberation.body_id, "date": "2026-12-20", "reference": "X"}
    )
    clerk_client.post(reverse("admin:reports_deliberation_delete", args=[deliberation.pk]), {"post": "yes"})

    assert Deliberation.objects.get().reference == "DEL-1"


def test_a_locked_reviews_form_offers_one_save_button_for_a_late_deliberation_and_one_link_to_its_page(
    clerk_client, editor_client, published
):
    url = reverse("admin:reports_annualreview_change", args=[published.pk])
    clerk_page = clerk_client.get(url).content.decode()
    editor_page = editor_client.get(url).content.decode()

    assert clerk_page.count('name="_save"') == 1
    assert 'name="_continue"' not in clerk_page and 'name="_addanother"' not in clerk_page
    assert "Voir sur le site" not in clerk_page and "Voir la page" in clerk_page
    assert 'name="_save"' not in editor_page

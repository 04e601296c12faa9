"""The back office in a real browser: an editor records a new year's status with its source,
a clerk publishes that year, and the public table shows the new status."""

from proposals.models import Proposal
from publishing.years import next_year
from reports.models import AnnualReview
from tests.factory import make_review, run_queued_publications


def test_an_editor_records_a_status_a_clerk_publishes_and_the_public_sees_it(
    page, clermont_live, log_in, editor, clerk
):
    live_server = clermont_live
    proposal = Proposal.objects.get(key="eco-vegetalisation")
    assert proposal.status_as_of(2025) == "implemented"
    year = next_year()
    review = make_review(year, published=False)

    # The editor goes from the proposal to a new yearly status and gives its source.
    editor_page = log_in(editor.username)
    editor_page.goto(f"{live_server.url}/admin/proposals/proposal/{proposal.pk}/change/")
    editor_page.get_by_role("link", name="Ajouter le statut d'une année").click()
    editor_page.fill("#id_year", str(year))
    editor_page.select_option("#id_status", "underway")
    editor_page.fill("#id_explanation", "De nouveaux parcs sont à l'étude.")
    editor_page.click("input[name=_save]")
    # Without a source, the change is refused with a French message.
    assert "indiquez au moins une source" in editor_page.inner_text("#content")
    editor_page.fill("#id_sources-0-label", f"Délibération du conseil municipal, décembre {year}")
    editor_page.fill("#id_sources-0-url", "https://example.org/deliberation")
    editor_page.fill("#id_sources-0-date", f"15/12/{year}")
    editor_page.click("input[name=_save]")
    editor_page.wait_for_selector(".messagelist .success")
    assert proposal.status_as_of(year) == "underway"

    # The clerk publishes the year, after a confirmation: the worker does it, the page follows it.
    clerk_page = log_in(clerk.username)
    clerk_page.goto(f"{live_server.url}/admin/reports/annualreview/{review.pk}/change/")
    clerk_page.get_by_role("button", name="Publier ce bilan…").click()
    clerk_page.get_by_role("button", name=f"Oui, publier le bilan {year}").click()
    clerk_page.wait_for_selector("progress#publication-bar")
    assert "En attente" in clerk_page.locator(".publication-progress [role=status]").inner_text()
    assert run_queued_publications() == 1  # what `manage.py db_worker` does
    clerk_page.reload()
    assert f"Le bilan {year} est publié" in clerk_page.locator(".publication-progress [role=status]").inner_text()

    # The public table shows the new status for that year.
    page.goto(f"{live_server.url}/propositions/?annee={year}")
    row = page.locator("tr", has=page.get_by_role("link", name=proposal.title))
    assert "En cours" in row.inner_text()


def test_the_review_form_with_a_rectificatif_open_fits_a_1280_px_screen(clermont_live, log_in, clerk):
    review = AnnualReview.objects.get(year=2025)
    review.open_correction("Une source corrigée.")

    page = log_in(clerk.username)
    page.goto(f"{clermont_live.url}/admin/reports/annualreview/{review.pk}/change/")

    assert "Rectificatif ouvert" in page.inner_text("#content")
    # Nothing wider than the screen, and the deliberations' table needs no scrolling either.
    assert page.evaluate("document.documentElement.scrollWidth") <= 1280
    table = page.locator("#deliberations-group table")
    assert table.evaluate("t => t.getBoundingClientRect().right") <= 1280
    assert table.evaluate("t => t.parentElement.scrollWidth <= t.parentElement.clientWidth")

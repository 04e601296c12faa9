"""The staff guide's screenshots (docs/guide-equipe.md), taken from the running site by each
role as the guide walks it: `make test` writes them into docs/guide/, so they show the back
office as it is, never an old one."""

import re
from pathlib import Path

from proposals.models import Proposal
from publishing.years import next_year
from reports.models import AnnualReview
from tests.factory import make_review

GUIDE = Path(__file__).resolve().parents[2] / "docs" / "guide-equipe.md"
SHOTS = GUIDE.parent / "guide"


def shoot(page, name: str) -> Path:
    SHOTS.mkdir(exist_ok=True)
    path = SHOTS / f"{name}.png"
    page.screenshot(path=path)
    return path


def test_the_guide_s_screenshots_are_taken_from_the_site(page, clermont_live, log_in, editor, clerk, committee):
    url = clermont_live.url
    taken = []

    page.goto(f"{url}/admin/login/")
    assert page.locator(".password-reset-link a[href='/comptes/mot-de-passe/']").count() == 1
    taken.append(shoot(page, "connexion"))

    editor_page = log_in(editor.username)
    proposal = Proposal.objects.get(key="eco-vegetalisation")
    editor_page.goto(f"{url}/admin/proposals/proposal/{proposal.pk}/change/")
    assert "Ajouter le statut d'une année" in editor_page.inner_text("#content")
    taken.append(shoot(editor_page, "suivi-annuel"))
    editor_page.goto(f"{url}/admin/proposals/yearlystatus/import/")
    assert "modèle" in editor_page.inner_text("#content")
    taken.append(shoot(editor_page, "import"))

    clerk_page = log_in(clerk.username)
    review = AnnualReview.objects.get(year=2025)
    clerk_page.goto(f"{url}/admin/reports/annualreview/{review.pk}/change/")
    taken.append(shoot(clerk_page, "bilan"))
    draft = make_review(next_year(), published=False)
    clerk_page.goto(f"{url}/admin/reports/annualreview/{draft.pk}/change/")
    with clerk_page.expect_navigation():
        clerk_page.get_by_role("button", name="Publier ce bilan…").click()
    assert f"Publier le bilan {draft.year} ?" in clerk_page.inner_text("#content")
    taken.append(shoot(clerk_page, "publier"))

    committee_page = log_in(committee.username)
    committee_page.goto(f"{url}/admin/assessments/committeereview/")
    taken.append(shoot(committee_page, "avis-comite"))

    named = re.findall(r"\]\((guide/[\w-]+\.png)\)", GUIDE.read_text())
    assert sorted(named) == sorted(f"guide/{path.name}" for path in taken)
    assert all(path.stat().st_size > 10_000 for path in taken)

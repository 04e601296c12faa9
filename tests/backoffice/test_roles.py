"""Who may do what in the back office (PRODUCT.md, «Who may do what»), with the conftest world."""

import datetime

import pytest
from django.contrib.auth.models import Group
from django.urls import reverse

from proposals.models import Proposal, YearlyStatus
from reports.models import AnnualReview, Deliberation
from tests.factory import (
    make_assembly,
    make_axis,
    make_key_figure,
    make_project,
    make_proposal,
    make_review,
    set_status,
)

from .helpers import STATUS_HEADERS, export, spreadsheet, upload

pytestmark = pytest.mark.django_db


def perms(group_name):
    group = Group.objects.get(name=group_name)
    return {f"{p.content_type.app_label}.{p.codename}" for p in group.permissions.select_related("content_type")}


def test_the_migration_creates_the_editors_group_with_its_rights():
    granted = perms("Rédaction")

    for model in ["proposal", "yearlystatus", "source", "project", "keyfigure"]:
        for action in ["add", "change", "view"]:
            assert f"proposals.{action}_{model}" in granted
    # Deleting would rewrite published reviews: superusers only. Sources and figures are
    # removed while changing their status or project.
    for model in ["proposal", "yearlystatus", "project"]:
        assert f"proposals.delete_{model}" not in granted
    assert {"proposals.delete_source", "proposals.delete_keyfigure"} <= granted
    assert "proposals.view_axis" in granted and "proposals.change_axis" not in granted
    assert "reports.view_annualreview" in granted
    assert not granted & {"reports.publish_annualreview", "reports.preview_annualreview", "reports.change_annualreview"}


def test_the_migration_creates_the_clerks_group_with_its_rights():
    granted = perms("Greffe")

    assert {
        "reports.preview_annualreview",
        "reports.publish_annualreview",
        "reports.change_annualreview",
        "reports.add_deliberation",
        "reports.change_deliberation",
    } <= granted
    for model in ["proposal", "yearlystatus", "source", "project", "keyfigure", "axis"]:
        assert f"proposals.view_{model}" in granted
    assert not [p for p in granted if p.startswith("proposals.") and not p.startswith("proposals.view_")]
    assert "reports.delete_annualreview" not in granted
    assert "reports.add_annualreview" in granted  # a clerk opens the year's draft review


@pytest.fixture
def world():
    axis = make_axis()
    proposal = make_proposal(axis, key="velo", title="Plus de vélos")
    yearly = set_status(proposal, 2024, "underway")
    project = make_project([proposal])
    figure = make_key_figure(project)
    review = make_review(2025, published=False)
    return {
        "axis": axis,
        "proposal": proposal,
        "yearly": yearly,
        "project": project,
        "figure": figure,
        "review": review,
    }


def _status_form(proposal, year, status, sources=(), **extra):
    data = {
        "proposal": proposal.pk,
        "year": year,
        "status": status,
        "explanation": "Livré en 2025.",
        "sources-TOTAL_FORMS": len(sources),
        "sources-INITIAL_FORMS": 0,
        "sources-MIN_NUM_FORMS": 0,
        "sources-MAX_NUM_FORMS": 1000,
    }
    for i, source in enumerate(sources):
        data.update({f"sources-{i}-{name}": value for name, value in source.items()})
    data.update(extra)
    return data


SOURCE = {"label": "Délibération du 15 décembre 2025", "url": "https://example.org/d", "date": "2025-12-15"}


def test_an_editor_adds_a_yearly_status_with_its_source(editor_client, world):
    url = reverse("admin:proposals_yearlystatus_add")

    response = editor_client.post(url, _status_form(world["proposal"], 2025, "implemented", [SOURCE]))

    assert response.status_code == 302, response.context["errors"] if response.context else response
    yearly = YearlyStatus.objects.get(proposal=world["proposal"], year=2025)
    assert yearly.status == "implemented"
    assert yearly.sources.get().label == SOURCE["label"]
    record = yearly.history.get()
    assert record.history_user.username == "redaction" and record.history_type == "+"


def test_an_editor_changes_a_yearly_status(editor_client, world):
    yearly = world["yearly"]
    source = yearly.sources.get()
    url = reverse("admin:proposals_yearlystatus_change", args=[yearly.pk])
    data = _status_form(world["proposal"], 2024, "implemented", explanation="Terminé.")
    data.update(
        {
            "opened_revision": yearly.revision,
            "sources-TOTAL_FORMS": 1,
            "sources-INITIAL_FORMS": 1,
            "sources-0-id": source.pk,
            "sources-0-yearly_status": yearly.pk,
            "sources-0-label": source.label,
            "sources-0-url": source.url,
            "sources-0-date": source.date.isoformat(),
        }
    )

    response = editor_client.post(url, data)

    assert response.status_code == 302
    yearly.refresh_from_db()
    assert (yearly.status, yearly.explanation) == ("implemented", "Terminé.")
    # «Historique»: who, when, and what before and after.
    latest, previous = yearly.history.all()[:2]
    assert latest.history_user.username == "redaction"
    delta = latest.diff_against(previous)
    assert {(c.field, c.old, c.new) for c in delta.changes} >= {("status", "underway", "implemented")}
    assert editor_client.get(reverse("admin:proposals_yearlystatus_history", args=[yearly.pk])).status_code == 200


def test_an_editor_may_import_but_not_publish(editor_client, world):
    assert editor_client.get(reverse("admin:proposals_yearlystatus_import")).status_code == 200
    review = world["review"]
    assert editor_client.post(reverse("admin:reports_annualreview_publish", args=[review.pk])).status_code == 403
    assert editor_client.post(reverse("admin:reports_annualreview_change", args=[review.pk]), {}).status_code == 403


def _write_requests(world):
    """Every way of writing a proposal, a status, a source, a project or a figure."""
    proposal, yearly, project, figure = world["proposal"], world["yearly"], world["project"], world["figure"]
    requests = []
    for model, obj in [("proposal", proposal), ("yearlystatus", yearly), ("project", project), ("keyfigure", figure)]:
        requests += [
            ("get", reverse(f"admin:proposals_{model}_add")),
            ("post", reverse(f"admin:proposals_{model}_add")),
            ("post", reverse(f"admin:proposals_{model}_change", args=[obj.pk])),
            ("get", reverse(f"admin:proposals_{model}_delete", args=[obj.pk])),
            ("post", reverse(f"admin:proposals_{model}_delete", args=[obj.pk])),
        ]
    for model in ["proposal", "yearlystatus", "project"]:
        requests += [
            ("get", reverse(f"admin:proposals_{model}_import")),
            ("post", reverse(f"admin:proposals_{model}_import")),
            ("post", reverse(f"admin:proposals_{model}_process_import")),
        ]
    requests.append(("post", reverse("admin:proposals_source_change", args=[yearly.sources.get().pk])))
    requests.append(("post", reverse("admin:reports_annualreview_delete", args=[world["review"].pk])))
    return requests


def test_a_clerk_gets_403_on_every_write(clerk_client, world):
    for method, url in _write_requests(world):
        response = getattr(clerk_client, method)(url, {})
        assert response.status_code == 403, (method, url, response.status_code)

    assert Proposal.objects.get().title == "Plus de vélos"
    assert YearlyStatus.objects.get().status == "underway"
    assert AnnualReview.objects.exists()


def test_a_clerk_cannot_import_even_a_valid_file(clerk_client, world):
    content = spreadsheet(
        STATUS_HEADERS, [["velo", 2025, "implemented", "", "Bilan", "https://e.org", "", "2025-12-01"]], "csv"
    )

    assert upload(clerk_client, "yearlystatus", content, "csv").status_code == 403
    assert not YearlyStatus.objects.filter(year=2025).exists()


def test_a_clerk_cannot_run_the_bulk_status_action(clerk_client, world):
    url = reverse("admin:proposals_proposal_changelist")
    data = {"action": "set_status_for_year", "_selected_action": [world["proposal"].pk], "apply": "1", "year": 2025}

    clerk_client.post(url, {**data, "status": "implemented", "source_label": "x", "source_url": "https://e.org"})

    assert not YearlyStatus.objects.filter(year=2025).exists()


def test_a_clerk_views_everything(clerk_client, world):
    urls = [reverse("admin:index")]
    for model in ["proposal", "yearlystatus", "project", "keyfigure", "source", "axis"]:
        urls.append(reverse(f"admin:proposals_{model}_changelist"))
    for model, obj in [
        ("proposal", world["proposal"]),
        ("yearlystatus", world["yearly"]),
        ("project", world["project"]),
    ]:
        urls.append(reverse(f"admin:proposals_{model}_change", args=[obj.pk]))
        urls.append(reverse(f"admin:proposals_{model}_history", args=[obj.pk]))
    for model in ["annualreview", "deliberation"]:
        urls.append(reverse(f"admin:reports_{model}_changelist"))
    urls.append(reverse("admin:reports_annualreview_change", args=[world["review"].pk]))

    for url in urls:
        assert clerk_client.get(url).status_code == 200, url


def test_a_clerk_exports(clerk_client, world):
    for model in ["proposal", "yearlystatus", "project"]:
        assert clerk_client.get(reverse(f"admin:proposals_{model}_export")).status_code == 200
        for fmt in ["csv", "xlsx", "ods"]:
            assert export(clerk_client, model, fmt)


def test_a_clerk_previews_the_draft_review(clerk_client, citizen, world):
    assert clerk_client.get("/bilans/2025/").status_code == 200
    assert clerk_client.get("/bilans/2025.json").status_code == 200
    assert citizen.get("/bilans/2025/").status_code == 404


def test_a_clerk_records_a_deliberation(clerk_client, world):
    review = world["review"]
    url = reverse("admin:reports_annualreview_change", args=[review.pk])
    data = {
        "deliberations-TOTAL_FORMS": 1,
        "deliberations-INITIAL_FORMS": 0,
        "deliberations-MIN_NUM_FORMS": 0,
        "deliberations-MAX_NUM_FORMS": 1000,
        "deliberations-0-body": make_assembly("ville").pk,
        "deliberations-0-date": "2025-12-15",
        "deliberations-0-reference": "DEL-2025-123",
        "deliberations-0-url": "https://example.org/del",
        "year": 2025,
        "situation_date": "2025-12-01",
        "introduction": "Le bilan de l'année.",
        # Publishing goes through the «Publier» button only: this is ignored (read-only).
        "published_at_0": "2025-12-20",
        "published_at_1": "10:00:00",
    }

    response = clerk_client.post(url, data)

    assert response.status_code == 302
    deliberation = Deliberation.objects.get()
    assert (deliberation.reference, deliberation.date) == ("DEL-2025-123", datetime.date(2025, 12, 15))
    review.refresh_from_db()
    assert (review.year, review.introduction, review.published_at) == (2025, "Le bilan de l'année.", None)
    assert deliberation.history.get().history_user.username == "greffe"


def test_a_clerk_opens_the_years_draft_review(clerk_client, world):
    data = {
        "deliberations-TOTAL_FORMS": 0,
        "deliberations-INITIAL_FORMS": 0,
        "deliberations-MIN_NUM_FORMS": 0,
        "deliberations-MAX_NUM_FORMS": 1000,
        "year": 2026,
        "situation_date": "2026-12-01",
        "introduction": "",
    }

    response = clerk_client.post(reverse("admin:reports_annualreview_add"), data)

    assert response.status_code == 302
    assert not AnnualReview.objects.get(year=2026).is_published


@pytest.mark.parametrize(
    "url",
    ["/admin/", "/admin/proposals/proposal/", "/admin/proposals/yearlystatus/import/", "/admin/reports/annualreview/"],
)
def test_anonymous_is_sent_to_the_login_page(citizen, world, url):
    response = citizen.get(url)

    assert response.status_code == 302
    assert response["Location"].startswith("/admin/login/")


def test_a_staff_member_without_a_role_cannot_export(world, django_user_model):
    from django.test import Client

    client = Client()
    client.force_login(django_user_model.objects.create_user("stagiaire", is_staff=True))

    assert client.get(reverse("admin:proposals_proposal_changelist")).status_code == 403
    assert client.get(reverse("admin:proposals_proposal_export")).status_code == 403
    assert client.post(reverse("admin:proposals_proposal_export"), {"format": "0"}).status_code == 403
    assert client.get(reverse("admin:proposals_proposal_import")).status_code == 403

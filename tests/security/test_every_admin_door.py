"""Every door of the back office, for every role: generated from the registered admins
(`admin.site._registry`), so a model registered tomorrow is walked without a new test.

For each registered model and each role, on a small world with an open (draft) year and a
locked (published) one, the test posts to the add, change and delete pages, the history
«revert» page, the bulk delete action, and the import, publish and rectificatif routes where
the admin has them; then it reads the database: a row changes only when the role may change it
and the row is not locked. The expected rights come from one table, `RIGHTS`, which mirrors
the README's roles table («Accounts and roles»)."""

import datetime
import functools

import pytest
from axes.models import AccessAttempt, AccessFailureLog, AccessLog
from django.contrib import admin
from django.contrib.admin.utils import NestedObjects
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import DEFAULT_DB_ALIAS, models, transaction
from django.urls import NoReverseMatch, reverse

from accounts.services import invitation_create
from assessments.models import Assessment, AssessmentSource, AxisStatement, CommitteeReview
from proposals.models import Convention
from reports.models import AnnualReview, Deliberation
from tests.backoffice.helpers import form_data
from tests.conftest import logged_in
from tests.factory import (
    make_assembly,
    make_axis,
    make_institution,
    make_key_figure,
    make_project,
    make_proposal,
    publish_committee,
    run_queued_publications,
    set_status,
)

pytestmark = pytest.mark.django_db

LOCKED_YEAR, OPEN_YEAR = 2025, 2026

# What each role may do, per model: «a» add, «c» change, «d» delete, «i» import, «p» publish
# and open a rectificatif, «b» its bulk actions (other than deleting). The README's roles
# table, as enforced. Anything not listed: nothing.
EDITOR_RIGHTS = {
    "proposals.proposal": "acib",
    "proposals.yearlystatus": "aci",
    "proposals.project": "aci",
    "proposals.keyfigure": "acd",
    "proposals.institution": "aci",
    "proposals.convention": "c",
}
CLERK_RIGHTS = {
    "reports.annualreview": "acp",
    "reports.deliberation": "ac",
    "reports.assembly": "ac",
}
COMMITTEE_RIGHTS = {
    "assessments.assessment": "ac",
    "assessments.axisstatement": "ac",
    "assessments.committeereview": "acp",
}
# Superusers: everything, except what nobody changes here (the record, sources edited on their
# status's page, django-axes' logs, which superusers only delete) and the deletions a review
# forbids (a published review, the rows of a locked year: see `locked`).
SUPERUSER_EXCEPTIONS = {
    "proposals.source": "",
    "reports.reviewversion": "",
    "assessments.committeeversion": "",
    "proposals.convention": "cd",  # one convention per site: it is not added again
    "axes.accessattempt": "d",
    "axes.accesslog": "d",
    "axes.accessfailurelog": "d",
    # Followers come from the public form only; a superuser erases one on a person's request.
    "follow.follower": "d",
    "follow.subscription": "d",
    "reports.annualreview": "acdp",
    "assessments.committeereview": "acdp",
    "proposals.institution": "acdi",
    "proposals.axis": "acdi",  # axes are imported by superusers only
    "proposals.proposal": "acdib",
    "proposals.yearlystatus": "acdi",
    "proposals.project": "acdi",
    # What the worker did (the outbox, the task queue): superusers look, nobody changes it.
    "follow.message": "",
    "follow.announcement": "",
    "django_tasks_database.dbtaskresult": "",
    # Invitations are added (their own form: an address and a role), sent again or revoked from
    # their page, never changed; superusers only (accounts/admin.py).
    "accounts.invitation": "ad",
}


def rights(role: str, label: str) -> str:
    if role == "superuser":
        return SUPERUSER_EXCEPTIONS.get(label, "acd")
    return {"editor": EDITOR_RIGHTS, "clerk": CLERK_RIGHTS, "committee": COMMITTEE_RIGHTS}[role].get(label, "")


def locked(obj) -> bool:
    """Part of a published record: a row of the locked year (a review, its deliberations, its
    statuses and their sources, the committee's year and its rows) or a published version."""
    if obj._meta.label_lower in ("reports.reviewversion", "assessments.committeeversion"):
        return True
    for path in ("year", "review.year", "yearly_status.year", "assessment.year"):
        value = obj
        for name in path.split("."):
            value = getattr(value, name, None)
        if value == LOCKED_YEAR:
            return True
    return False


def deletable(obj) -> bool:
    """Nothing locked goes with it, and nothing protects it."""
    collector = NestedObjects(using=DEFAULT_DB_ALIAS)
    collector.collect([obj])
    return not collector.protected and not any(locked(item) for item in _flatten(collector.nested()))


def _flatten(items):
    for item in items:
        if isinstance(item, list):
            yield from _flatten(item)
        else:
            yield item


@pytest.fixture
def world(db):
    """Two years: 2025 published by the institutions and by the committee (locked), 2026 a draft."""
    Convention.objects.create(pk=1, name="Convention citoyenne", introduction="Présentation.")
    make_institution("ville")
    axis = make_axis(slug="ecologique", name="Transition écologique")
    proposal = make_proposal(axis, key="velo", title="Développer le vélo", lead="ville")
    set_status(proposal, LOCKED_YEAR, "underway", explanation="En cours.")
    set_status(proposal, OPEN_YEAR, "implemented", explanation="Fait.")
    spare = make_proposal(axis, key="spare", title="Une proposition sans suivi")
    make_key_figure(make_project([proposal, spare], lead="ville"), label="km")
    assembly = make_assembly("ville")
    for year in (LOCKED_YEAR, OPEN_YEAR):
        review = AnnualReview.objects.create(year=year, situation_date=datetime.date(year, 12, 1), introduction="Bilan")
        Deliberation.objects.create(review=review, body=assembly, date=datetime.date(year, 12, 15), reference="D-1")
        assessment = Assessment.objects.create(proposal=proposal, year=year, grade=6, comment="Bien.")
        AssessmentSource.objects.create(assessment=assessment, label="Compte rendu", url="https://example.org/cr")
        AxisStatement.objects.create(axis=axis, year=year, text="Une déclaration.")
    AnnualReview.objects.get(year=LOCKED_YEAR).publish(with_documents=False)
    publish_committee(LOCKED_YEAR)
    CommitteeReview.objects.create(year=OPEN_YEAR, statement="Brouillon du comité.")
    attempt = dict(user_agent="navigateur", ip_address="192.0.2.1", username="x", http_accept="*/*", path_info="/")
    AccessAttempt.objects.create(**attempt, get_data="", post_data="", failures_since_start=1)
    AccessLog.objects.create(**attempt)
    AccessFailureLog.objects.create(**attempt, locked_out=False)
    invitation_create(email="invitee@example.org", role=Group.objects.get(name="Rédaction"), invited_by=None)


def admin_url(model_admin, view: str, *args) -> str | None:
    try:
        return reverse(f"admin:{model_admin.opts.app_label}_{model_admin.opts.model_name}_{view}", args=args)
    except NoReverseMatch:
        return None


def probe_field(response) -> str | None:
    """A text field the page lets its user type into (not a key, a URL or a choice)."""
    form = response.context["adminform"].form
    for name, field in form.fields.items():
        model_field = next((f for f in form._meta.model._meta.fields if f.name == name), None)
        if (
            isinstance(model_field, models.CharField | models.TextField)
            and not isinstance(model_field, models.SlugField | models.URLField | models.EmailField)
            and not model_field.choices
            and not field.disabled
        ):
            return name
    return None


# What an action's intermediate page asks (the bulk status: year, status, explanation, source).
ACTION_DATA = {
    "apply": "1",
    "status": "not_implemented",
    "explanation": "Par lot",
    "source_label": "Délibération",
    "source_url": "https://example.org/lot",
    "source_date": "2026-12-01",
}


def actions_of(model_admin) -> list[str]:
    """The admin's bulk actions, deletion aside (walked on its own)."""
    return [name for _function, name, _label in model_admin._get_base_actions() if name != "delete_selected"]


def world_rows() -> dict:
    """Every row of every registered model, as the database holds it."""
    return {model._meta.label: list(model._default_manager.order_by("pk").values()) for model in admin.site._registry}


ADDED_YEAR = 2024  # a year with no row yet, neither locked nor out of range


def new_row_data(page) -> dict:
    """The form data of the change page `page`, as a new row: its unique texts renamed, its
    year moved to ADDED_YEAR, its unique numbers emptied, its inline rows new ones."""
    data = form_data(page)
    form = page.context["adminform"].form
    model_fields = {field.name: field for field in form._meta.model._meta.fields}
    for name in form.fields:
        field = model_fields.get(name)
        if field is None:
            continue
        if name == "year":
            data[name] = str(ADDED_YEAR)
        elif field.unique and isinstance(field, models.CharField):
            data[name] = f"ajout-{name}"
        elif field.unique:
            data.pop(name, None)
    probe = probe_field(page)
    if probe and not model_fields[probe].unique:
        data[probe] = "Ajouté"
    for inline in page.context.get("inline_admin_formsets", []):
        formset = inline.formset
        data[f"{formset.prefix}-INITIAL_FORMS"] = "0"
        for index in range(len(formset.forms)):
            for name in ("id", formset.fk.name):
                data[f"{formset.prefix}-{index}-{name}"] = ""
    return data


def snapshot(obj) -> dict:
    """The row as the database holds it."""
    return type(obj).objects.filter(pk=obj.pk).values().first()


class Walk:
    """One role's walk through every door; `failures` lists what differs from `RIGHTS`."""

    def __init__(self, role, user, reference):
        self.role = role
        self.client = logged_in(user)
        self.reference = reference  # a superuser's page: builds the form data a browser would send
        # The role's own page (the fields it may type into): a superuser's is the reference, read once.
        self.own_page = reference if role == "superuser" else self.client.get
        self.failures = []

    def expect(self, condition: bool, message: str):
        if not condition:
            self.failures.append(f"{self.role}: {message}")

    def isolated(self, action, *args):
        """Run `action(*args)` and roll the database back: every door starts from the same world."""
        with transaction.atomic():
            action(*args)
            transaction.set_rollback(True)

    def model(self, model_admin):
        label = model_admin.opts.label_lower
        allowed = rights(self.role, label)
        for obj in model_admin.model._default_manager.all():
            self.isolated(self.change, model_admin, obj, "c" in allowed and not locked(obj))
            self.isolated(self.revert, model_admin, obj)
            may_delete = "d" in allowed and not locked(obj) and deletable(obj)
            self.isolated(self.delete, model_admin, obj, may_delete)
            self.isolated(self.bulk_delete, model_admin, obj, may_delete)
            if hasattr(model_admin, "publish_view"):
                self.isolated(self.publish, model_admin, obj, "p" in allowed)
        self.isolated(self.add, model_admin, "a" in allowed)
        for name in actions_of(model_admin):
            self.isolated(self.action, model_admin, name, OPEN_YEAR, "b" in allowed)
            self.isolated(self.action, model_admin, name, LOCKED_YEAR, False)
        if admin_url(model_admin, "import"):
            self.isolated(self.import_, model_admin, "i" in allowed)

    def change(self, model_admin, obj, may: bool):
        url = admin_url(model_admin, "change", obj.pk)
        page = self.reference(url)
        field = probe_field(page) if page.status_code == 200 else None
        if field is None:
            return
        # A role may change some fields of a row and not others (an editor changes the
        # convention's presentation, not its name): the field its own page lets it type into.
        own_page = self.own_page(url) if may else None
        own_field = probe_field(own_page) if own_page is not None and own_page.status_code == 200 else None
        before = snapshot(obj)
        data = {**form_data(page), field: "Modifié"}
        response = self.client.post(url, data)
        after = snapshot(obj)
        if may and own_field == field:
            self.expect(after[field] == "Modifié", f"may change {obj!r} ({field}): {response.status_code}")
        elif may:
            self.expect(own_field is not None, f"may change {obj!r}, but its page has no field to type into")
            self.expect(after[field] == before[field], f"changed {obj!r} ({field}), a field it may not change")
            if own_field:
                response = self.client.post(url, {**form_data(own_page), own_field: "Modifié"})
                changed = snapshot(obj)[own_field] == "Modifié"
                self.expect(changed, f"may change {obj!r} ({own_field}): {response.status_code}")
        else:
            self.expect(after == before, f"changed {obj!r} ({field}) it may not change")

    def revert(self, model_admin, obj):
        record = obj.history.order_by("history_id").first() if hasattr(obj, "history") else None
        if record is None:
            return
        before = snapshot(obj)
        url = reverse(
            f"admin:{model_admin.opts.app_label}_{model_admin.opts.model_name}_simple_history",
            args=[obj.pk, record.history_id],
        )
        page = self.reference(url)
        field = probe_field(page)
        data = {**form_data(page), **({field: "Rétabli"} if field else {})}
        response = self.client.post(url, data)
        self.expect(response.status_code in (403, 405), f"history page of {obj!r} answers {response.status_code}")
        self.expect(snapshot(obj) == before, f"wrote {obj!r} through its history page")

    def delete(self, model_admin, obj, may: bool):
        self.client.post(admin_url(model_admin, "delete", obj.pk), {"post": "yes"})
        gone = not type(obj).objects.filter(pk=obj.pk).exists()
        self.expect(gone == may, f"{'could not delete' if may else 'deleted'} {obj!r}")

    def bulk_delete(self, model_admin, obj, may: bool):
        data = {"action": "delete_selected", "_selected_action": [obj.pk], "post": "yes"}
        self.client.post(admin_url(model_admin, "changelist"), data)
        gone = not type(obj).objects.filter(pk=obj.pk).exists()
        self.expect(gone == may, f"{'could not bulk-delete' if may else 'bulk-deleted'} {obj!r}")

    def add(self, model_admin, may: bool):
        """Post, to the add page, a copy of an open row with its keys made new."""
        rows = model_admin.model._default_manager
        count = rows.count()
        template = next((obj for obj in rows.all() if not locked(obj)), None)
        page = self.reference(admin_url(model_admin, "change", template.pk)) if template else None
        has_form = page is not None and page.status_code == 200 and getattr(model_admin, "add_form", None) is None
        response = self.client.post(admin_url(model_admin, "add"), new_row_data(page) if has_form else {})
        label = model_admin.opts.label
        if not may:
            self.expect(response.status_code == 403, f"add {label} answers {response.status_code}")
            self.expect(rows.count() == count, f"added a {label}")
        elif has_form:
            self.expect(rows.count() == count + 1, f"may add {label}: {response.status_code}")
        else:  # an add form of its own (accounts): reachable
            self.expect(response.status_code == 200, f"may add {label}: {response.status_code}")

    def action(self, model_admin, name: str, year: int, may: bool):
        """A bulk action on every row, with what its intermediate page asks (for `year`)."""
        before = world_rows()
        pks = list(model_admin.model._default_manager.values_list("pk", flat=True))
        data = {"action": name, "_selected_action": pks, **ACTION_DATA, "year": str(year)}
        self.client.post(admin_url(model_admin, "changelist"), data)
        changed = world_rows() != before
        self.expect(changed == may, f"{'could not run' if may else 'ran'} {name} on {model_admin.opts.label} ({year})")

    def import_(self, model_admin, may: bool):
        upload = SimpleUploadedFile("vide.csv", b"cle\n")
        response = self.client.post(admin_url(model_admin, "import"), {"import_file": upload, "format": "0"})
        expected = (200,) if may else (403,)
        self.expect(response.status_code in expected, f"import {model_admin.opts.label}: {response.status_code}")

    def publish(self, model_admin, obj, may: bool):
        versions = obj.versions.count()
        if locked(obj):  # a rectificatif is opened, or refused
            self.client.post(admin_url(model_admin, "correct", obj.pk), {"reason": "Une erreur"})
            opened = type(obj).objects.get(pk=obj.pk).correction_opened_at is not None
            self.expect(opened == may, f"{'could not open' if may else 'opened'} a rectificatif on {obj!r}")
        else:
            self.client.post(admin_url(model_admin, "publish", obj.pk), {"confirm": "1"})
            run_queued_publications()
            published = obj.versions.count() > versions
            self.expect(published == may, f"{'could not publish' if may else 'published'} {obj!r}")


def test_every_door_holds_for_every_role(world, superuser_client, editor, clerk, committee):
    superuser = get_user_model().objects.get(username="admin")
    # Each door starts from the same world (`Walk.isolated`) and reads the superuser's page first:
    # the page is the same for the four roles, fetched once.
    reference = functools.cache(superuser_client.get)
    failures = []

    for role, user in {"editor": editor, "clerk": clerk, "committee": committee, "superuser": superuser}.items():
        walk = Walk(role, user, reference)
        for model_admin in admin.site._registry.values():
            walk.model(model_admin)
        failures += walk.failures

    assert not failures, "\n".join(failures)


def test_the_rights_table_names_only_registered_models():
    registered = {model._meta.label_lower for model in admin.site._registry}

    for table in (EDITOR_RIGHTS, CLERK_RIGHTS, COMMITTEE_RIGHTS, SUPERUSER_EXCEPTIONS):
        assert set(table) <= registered


def test_the_roles_exist_as_groups(editor, clerk, committee):
    assert set(Group.objects.values_list("name", flat=True)) >= {"Rédaction", "Greffe", "Comité de suivi"}

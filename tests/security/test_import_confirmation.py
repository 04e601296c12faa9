"""The import's confirmation step trusts nothing the browser sends: the pending file is kept on
the server and bound to the session that previewed it; a tampered or repeated confirmation gets a
French «Import expiré ou déjà traité» page and imports nothing."""

import os
import tempfile

import openpyxl
import pytest
from django.core.cache import caches
from django.urls import reverse

from proposals.models import YearlyStatus
from tests.backoffice.helpers import STATUS_HEADERS, confirm, spreadsheet, upload
from tests.conftest import EDITORS, _member_of, logged_in
from tests.factory import make_proposal

pytestmark = pytest.mark.django_db
EXPIRED = "Import expiré ou déjà traité"


def row(key, status="implemented"):
    return [key, 2025, status, "", "Bilan 2025", "https://example.org/b", "", "2025-12-01"]


@pytest.fixture
def preview(editor_client):
    make_proposal(key="p1"), make_proposal(key="p2")
    response = upload(editor_client, "yearlystatus", spreadsheet(STATUS_HEADERS, [row("p1")], "csv"), "csv")
    assert response.context["confirm_form"] is not None
    return response


def confirm_data(preview, **changes):
    form = preview.context["confirm_form"]
    return {**{name: form.initial.get(name, "") for name in form.fields}, **changes}


def post_confirm(client, data):
    return client.post(reverse("admin:proposals_yearlystatus_process_import"), data)


def assert_expired(response):
    assert response.status_code in (400, 410)
    assert EXPIRED in response.content.decode()
    assert not YearlyStatus.objects.exists()


def test_the_confirmation_imports_the_previewed_file(editor_client, preview):
    assert confirm(editor_client, "yearlystatus", preview).status_code == 302
    assert YearlyStatus.objects.get().proposal.key == "p1"


def test_another_file_of_the_temp_folder_is_not_imported(editor_client, preview):
    content = spreadsheet(STATUS_HEADERS, [row("p2", status="underway")], "csv")
    with tempfile.NamedTemporaryFile(dir=tempfile.gettempdir(), delete=False) as other:
        other.write(content)
    try:
        response = post_confirm(editor_client, confirm_data(preview, import_file_name=os.path.basename(other.name)))
    finally:
        if os.path.exists(other.name):
            os.remove(other.name)

    assert_expired(response)


@pytest.mark.parametrize("field, value", [("format", "1"), ("format", "9"), ("resource", "7"), ("resource", "x")])
def test_a_tampered_format_or_resource_is_refused(editor_client, preview, field, value):
    assert_expired(post_confirm(editor_client, confirm_data(preview, **{field: value})))


def test_confirming_twice_imports_once(editor_client, preview):
    data = confirm_data(preview)
    assert post_confirm(editor_client, data).status_code == 302
    YearlyStatus.objects.all().delete()

    assert_expired(post_confirm(editor_client, data))


def test_another_user_cannot_confirm_someone_elses_import(preview):
    other = logged_in(_member_of(EDITORS, "autre"))

    assert_expired(post_confirm(other, confirm_data(preview)))


def test_a_confirmation_without_a_preview_is_refused(editor_client, preview):
    assert_expired(post_confirm(editor_client, confirm_data(preview, import_file_name="0123abcd")))


def test_the_confirmation_reaches_a_worker_that_did_not_preview(editor_client, preview):
    # Without Redis each gunicorn worker has its own local-memory cache: the other one's is empty.
    for cache in caches.all():
        cache.clear()

    assert confirm(editor_client, "yearlystatus", preview).status_code == 302
    assert YearlyStatus.objects.get().proposal.key == "p1"


def test_a_workbook_is_parsed_once_from_preview_to_confirmation(editor_client, monkeypatch):
    make_proposal(key="p1")
    content = spreadsheet(STATUS_HEADERS, [row("p1")], "xlsx")
    parsed = []
    load_workbook = openpyxl.load_workbook

    def counting(*args, **kwargs):
        parsed.append(1)
        return load_workbook(*args, **kwargs)

    monkeypatch.setattr(openpyxl, "load_workbook", counting)

    preview = upload(editor_client, "yearlystatus", content, "xlsx")
    assert preview.context["confirm_form"] is not None
    assert confirm(editor_client, "yearlystatus", preview).status_code == 302

    assert YearlyStatus.objects.get().proposal.key == "p1"
    assert len(parsed) == 1

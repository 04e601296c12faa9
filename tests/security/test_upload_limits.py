"""Request bodies are capped: a huge POST is refused (413) before anything reads it, the
back office's forms keep Django's own limits, and an import file gets its own French error."""

import pytest
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

pytestmark = pytest.mark.django_db

HUNDRED_MB = 100 * 1024 * 1024


def claim(client, url, length, body=b""):
    """A multipart POST announcing `length` bytes; the test payload refuses to be read past `body`."""
    return client.generic(
        "POST", url, body, content_type="multipart/form-data; boundary=xyz", CONTENT_LENGTH=str(length)
    )


@pytest.fixture
def anonymous_with_csrf_cookie() -> Client:
    """An anonymous client holding a CSRF cookie: Django's CSRF check would read the form."""
    client = Client(enforce_csrf_checks=True)
    client.cookies[settings.CSRF_COOKIE_NAME] = "a" * 32
    return client


@pytest.mark.parametrize("url", ["/propositions/", "/bilans/2025.pdf", "/admin/login/", "/nulle-part/"])
def test_a_huge_post_is_refused_before_it_is_read(anonymous_with_csrf_cookie, url):
    # Reading the announced 100 MB from this empty payload would fail the test.
    response = claim(anonymous_with_csrf_cookie, url, HUNDRED_MB)

    assert response.status_code == 413
    page = response.content.decode()
    assert "<title>Envoi trop volumineux</title>" in page
    assert "(3 Mo au plus)" in page


def test_a_body_just_over_the_cap_is_refused(anonymous_with_csrf_cookie):
    body = b"x" * (settings.MAX_REQUEST_BODY_SIZE + 1)

    assert claim(anonymous_with_csrf_cookie, "/admin/login/", len(body), body).status_code == 413


def test_a_small_post_gets_the_usual_answer(citizen):
    assert citizen.post("/propositions/", {"a": "b"}).status_code == 405


def test_a_form_bigger_than_django_limit_is_a_bad_request(citizen):
    password = "p" * settings.DATA_UPLOAD_MAX_MEMORY_SIZE
    response = citizen.post("/admin/login/", {"username": "x", "password": password})

    assert response.status_code == 400
    assert "Requête incorrecte" in response.content.decode()


def test_an_import_file_over_2_mb_gets_the_import_form_error(editor_client):
    big = SimpleUploadedFile("import.csv", b"cle,titre\n" + b"x" * (2 * 1024 * 1024 + 10))

    response = editor_client.post(
        "/admin/proposals/proposal/import/", {"import_file": big, "format": "0", "resource": "0"}
    )

    assert response.status_code == 200
    assert "Fichier trop volumineux : 2 Mo au plus." in response.content.decode()


def test_a_10_mb_import_file_is_refused_before_it_is_read(editor_client):
    big = SimpleUploadedFile("import.xlsx", b"x" * (10 * 1024 * 1024))

    response = editor_client.post(
        "/admin/proposals/proposal/import/", {"import_file": big, "format": "1", "resource": "0"}
    )

    assert response.status_code == 413
    assert "Un fichier à importer dans le back-office fait 2 Mo au plus." in response.content.decode()


def test_the_limits_are_set():
    assert settings.DATA_UPLOAD_MAX_MEMORY_SIZE <= 1024 * 1024
    assert settings.FILE_UPLOAD_MAX_MEMORY_SIZE >= 2 * 1024 * 1024  # an import file stays in memory
    assert settings.MAX_REQUEST_BODY_SIZE == 3 * 1024 * 1024

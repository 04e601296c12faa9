"""After logging in, a user lands in the back office, whatever `next` says."""

import pytest

PASSWORD = "motdepasse-test"


@pytest.mark.parametrize("next_url", ["https://evil.example/", "//evil.example/admin/", "", "javascript:alert(1)"])
def test_an_invalid_next_leads_to_the_back_office(citizen, editor, next_url):
    response = citizen.post(f"/admin/login/?next={next_url}", {"username": editor.username, "password": PASSWORD})

    assert response.status_code == 302
    assert response["Location"] == "/admin/"
    assert citizen.get(response["Location"]).status_code == 200


def test_a_valid_next_is_followed(citizen, editor):
    response = citizen.post(
        "/admin/login/?next=/admin/proposals/proposal/", {"username": editor.username, "password": PASSWORD}
    )

    assert response["Location"] == "/admin/proposals/proposal/"

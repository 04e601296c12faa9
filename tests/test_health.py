import pytest

pytestmark = pytest.mark.django_db


def test_it_answers_when_the_database_does(citizen):
    response = citizen.get("/sante/")

    assert response.status_code == 200
    assert response.json() == {"status": "ok", "database": True, "cache": True}


def test_it_rejects_writes(citizen):
    assert citizen.post("/sante/").status_code == 405

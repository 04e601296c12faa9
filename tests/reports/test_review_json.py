import pytest

from proposals.models import Status
from tests.factory import make_axis, make_convention, make_proposal, make_review, set_status
from tests.reports.test_review_documents import cold_process

pytestmark = pytest.mark.django_db


def test_it_gives_the_2025_review_in_the_open_data_shape(citizen, clermont):
    response = citizen.get("/bilans/2025.json")

    assert response.status_code == 200
    assert response["Content-Type"] == "application/json"
    data = response.json()
    assert data["year"] == 2025
    assert data["final"] is True
    assert data["totals"] == {
        "proposals": 40,
        "implemented": 34,
        "rate": 85.0,
        "by_status": {"implemented": 34, "underway": 2, "not_implemented": 2, "out_of_scope": 2, "not_assessed": 0},
    }
    assert [(a["slug"], a["name"], a["proposals"], a["implemented"], a["rate"]) for a in data["axes"]] == [
        ("ecologique", "Transition écologique", 16, 14, 87.5),
        ("democratique", "Transition démocratique", 13, 11, 84.6),
        ("sociale", "Transition sociale", 11, 9, 81.8),
    ]
    assert data["axes"][0]["by_status"] == {
        "implemented": 14,
        "underway": 1,
        "not_implemented": 1,
        "out_of_scope": 0,
        "not_assessed": 0,
    }
    assert '"rate": 85.0' in response.content.decode()


def test_an_unpublished_year_is_hidden_from_the_public(citizen):
    make_review(2026, published=False)

    assert citizen.get("/bilans/2026.json").status_code == 404


def test_an_unknown_year_is_not_found(citizen):
    assert citizen.get("/bilans/1999.json").status_code == 404


def test_a_superuser_previews_a_draft(superuser_client):
    axis = make_axis()
    set_status(make_proposal(axis=axis), 2026, Status.IMPLEMENTED)
    make_review(2026, published=False)

    response = superuser_client.get("/bilans/2026.json")

    assert response.status_code == 200
    assert response.json()["draft"] is True


@pytest.mark.parametrize("size", [10, 40])
def test_its_query_count_does_not_grow_with_the_proposals(citizen, django_assert_num_queries, size):
    make_convention(size)
    make_review(2025, documents=True)

    cold_process()
    with django_assert_num_queries(2):  # the content generation, the stored document
        assert citizen.get("/bilans/2025.json").status_code == 200

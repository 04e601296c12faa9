"""Whatever a visitor types into the table's query string, the answer is never a 500."""

from urllib.parse import urlencode

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from proposals.models import Status
from tests.factory import make_convention, make_review
from tests.snapshots import replayed

PARAMETERS = ["axe", "statut", "porteur", "annee", "q", "tri", "page", "format", "axe[]", ""]
KNOWN_VALUES = [
    *Status.values,
    "ville",
    "metropole",
    "ville_metropole",
    "aucun",
    "axe-1",
    "2025",
    "-statut",
    "axe",
    "9" * 30,
    "-1",
    "0",
]
values = st.one_of(
    st.sampled_from(KNOWN_VALUES),
    st.text(max_size=60),
    st.text(alphabet=st.characters(codec="utf-8"), max_size=300),
    st.integers(min_value=-(10**20), max_value=10**20).map(str),
)
query_strings = st.lists(st.tuples(st.sampled_from(PARAMETERS), values), max_size=6).map(urlencode)
raw_query_strings = st.text(alphabet="%&=+;?#axestuqniprog0123456789AFaf\x00 ", max_size=80)


def build_convention():
    make_convention(12)
    make_review(2024)
    make_review(2025)


@pytest.fixture
def convention(db):
    replayed(build_convention)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(query=query_strings)
def test_the_table_never_fails_on_any_filter_values(citizen, convention, query):
    for path in ("/propositions/", "/propositions.csv", "/propositions.json"):
        response = citizen.get(f"{path}?{query}")

        assert response.status_code == 200, (path, query, response.status_code)


@settings(max_examples=100, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(query=raw_query_strings)
def test_the_table_never_fails_on_malformed_query_strings(citizen, convention, query):
    response = citizen.get(f"/propositions/?{query}")

    assert response.status_code == 200, (query, response.status_code)

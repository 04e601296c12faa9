"""Builders for the public pages' tests (the shared world is in tests/conftest.py)."""

import pytest

from tests.factory import make_axis, make_project, make_proposal, make_review, set_status
from tests.snapshots import replayed


def build_small_world():
    eco = make_axis(slug="ecologique", name="Transition écologique", order=1)
    soc = make_axis(slug="sociale", name="Transition sociale", order=2)
    green = make_proposal(
        eco,
        key="eco-vegetalisation",
        title="Intensifier la végétalisation des espaces publics",
        summary="Planter des arbres.",
        lead="ville",
        order=1,
    )
    bike = make_proposal(eco, key="eco-velo", title="Développer le vélo", lead="metropole", order=2)
    blank = make_proposal(eco, key="eco-sans-titre", title="", order=3)
    help_desk = make_proposal(soc, key="soc-demarches", title="Accompagner les démarches", lead="ville", order=1)
    set_status(green, 2024, "underway", explanation="Les travaux commencent.")
    set_status(green, 2025, "implemented", explanation="Trois parcs ouverts.")
    set_status(bike, 2025, "not_implemented", explanation="Pas de budget.")
    set_status(help_desk, 2025, "underway")
    # A draft year: nothing of 2026 may appear publicly.
    set_status(bike, 2026, "implemented", explanation="SECRET-BROUILLON")
    make_review(2024)
    make_review(2025)
    make_review(2026, published=False)
    parks = make_project([green], slug="parcs-urbains", title="Nouveaux parcs urbains", state="delivered")
    counter = make_project([help_desk, green], slug="guichet", title="Guichet des démarches")
    return {
        "eco": eco,
        "soc": soc,
        "green": green,
        "bike": bike,
        "blank": blank,
        "help_desk": help_desk,
        "parks": parks,
        "counter": counter,
    }


@pytest.fixture
def small_world(db):
    """Two axes, four proposals with 2024 and 2025 statuses, a draft 2026, two projects."""
    return replayed(build_small_world)

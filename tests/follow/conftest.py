import pytest
from django.core.cache import cache

from follow.models import Follower, Subscription
from tests.factory import make_axis, make_proposal


@pytest.fixture(autouse=True)
def _fresh_counters():
    """The per-client counters live in the cache: each test starts with none."""
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def proposal(db):
    return make_proposal(make_axis(slug="ecologique", name="Transition écologique"), key="eco-arbres", title="Planter")


@pytest.fixture
def follower(proposal) -> Follower:
    """A confirmed address that follows `proposal`."""
    follower = Follower.objects.create(email="lea@example.org")
    follower.confirm()
    Subscription.objects.create(follower=follower, proposal=proposal)
    return follower

import pytest

from tests.proposals.conftest import build_small_world
from tests.snapshots import replayed


@pytest.fixture
def small_world(db):
    """Two axes, four proposals with 2024 and 2025 statuses, a draft 2026, two projects."""
    return replayed(build_small_world)

"""Builders for the review tests: a previewer, and a convention followed over several years."""

from dataclasses import dataclass

import pytest
from django.contrib.auth.models import Permission
from django.test import Client

from proposals.models import Axis, Proposal, Status
from tests.conftest import logged_in
from tests.factory import make_axis, make_proposal, make_review, set_status
from tests.snapshots import replayed


def grant_preview(user):
    """The permission the «Greffe» group will hold (its data migration is the back office's work)."""
    user.user_permissions.add(Permission.objects.get(codename="preview_annualreview"))
    return user


@pytest.fixture
def previewer_client(clerk) -> Client:
    """A clerk allowed to preview draft reviews."""
    return logged_in(grant_preview(clerk))


@dataclass
class History:
    climate: Axis
    democracy: Axis
    solidarity: Axis
    proposals: dict[str, Proposal]


def build_history() -> History:
    """Three axes followed in 2023 and 2024, both reviews published:

    - «Climat» 1 sur 2 (50,0 %) in 2023, then 2 sur 2 (100,0 %): +50,0 points;
    - «Démocratie» 0 sur 3 then 1 sur 3 (33,3 %): +33,3 points;
    - «Solidarité» 1 sur 1 then 0 sur 1 (a proposal back to «En cours»): −100,0 points;
    - overall 2 sur 6 (33,3 %) then 3 sur 6 (50,0 %): +16,7 points.
    """
    climate = make_axis(name="Climat", slug="climat", order=1)
    democracy = make_axis(name="Démocratie", slug="democratie", order=2)
    solidarity = make_axis(name="Solidarité", slug="solidarite", order=3)
    p = {
        "trees": make_proposal(axis=climate, title="Planter des arbres", order=1),
        "buses": make_proposal(axis=climate, title="Des bus la nuit", order=2),
        "assembly": make_proposal(axis=democracy, title="Une assemblée tirée au sort", order=1),
        "budget": make_proposal(axis=democracy, title="Un budget participatif", order=2),
        "river": make_proposal(axis=democracy, title="Rouvrir la rivière", order=3),
        "canteen": make_proposal(axis=solidarity, title="Une cantine solidaire", order=1),
    }
    set_status(p["trees"], 2023, Status.IMPLEMENTED)
    set_status(p["buses"], 2023, Status.UNDERWAY, explanation="Les lignes de nuit sont à l'étude.")
    set_status(p["buses"], 2024, Status.IMPLEMENTED)
    set_status(p["assembly"], 2023, Status.UNDERWAY)
    set_status(p["assembly"], 2024, Status.IMPLEMENTED)
    set_status(p["budget"], 2023, Status.NOT_IMPLEMENTED, explanation="Le budget n'est pas voté.")
    set_status(p["river"], 2023, Status.OUT_OF_SCOPE, explanation="La rivière relève de l'État.")
    set_status(p["canteen"], 2023, Status.IMPLEMENTED)
    set_status(p["canteen"], 2024, Status.UNDERWAY, explanation="La cantine a fermé ; un nouveau lieu est cherché.")
    make_review(2023)
    make_review(2024)
    return History(climate=climate, democracy=democracy, solidarity=solidarity, proposals=p)


@pytest.fixture
def history(db) -> History:
    return replayed(build_history)

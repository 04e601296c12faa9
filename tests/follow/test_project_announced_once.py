"""A project's delivery is announced once, ever: an editor switching it between «en cours» and
«réalisé» re-announced it at each switch (3 switches, 3 messages)."""

import pytest

from follow.models import Announcement
from proposals.models import ProjectState
from tests.factory import make_axis, make_project, make_proposal

from .mailing import make_follower, run_worker, smtp_server

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def smtp(settings):
    with smtp_server(settings) as mailbox:
        yield mailbox


@pytest.fixture
def project():
    bus = make_proposal(make_axis(slug="mobilites", name="Mobilités"), key="bus", title="Des bus")
    make_follower("bob@example.org", bus)
    return make_project([bus], title="Ligne de bus C", summary="Une nouvelle ligne.")


def switch(project, state) -> None:
    project.state = state
    project.save()


def test_a_project_switched_back_and_forth_is_announced_once(smtp, project):
    for _ in range(3):
        switch(project, ProjectState.DELIVERED)
        run_worker()
        switch(project, ProjectState.IN_PROGRESS)
        run_worker()
    switch(project, ProjectState.DELIVERED)
    switch(project, ProjectState.IN_PROGRESS)
    switch(project, ProjectState.DELIVERED)
    run_worker()

    assert smtp.recipients() == ["bob@example.org"]
    assert Announcement.objects.filter(kind=Announcement.Kind.PROJECT).count() == 1


def test_a_project_announced_before_the_upgrade_is_not_announced_again(smtp, project):
    """Announcements made before were keyed by the project's edit counter too."""
    Announcement.objects.create(kind=Announcement.Kind.PROJECT, key=f"project-{project.pk}-4", subject="Projet réalisé")

    switch(project, ProjectState.DELIVERED)
    run_worker()

    assert smtp.received == []

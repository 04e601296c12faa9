"""Each proposal's stored search document follows what a search reads: its texts and the titles
of its projects, whichever way they change (a form, the admin, an import, `loaddata`)."""

import pytest

from proposals.models import Project, Proposal, SearchDocument
from tests.factory import make_axis, make_project, make_proposal

from .test_search_words import search

pytestmark = pytest.mark.django_db


@pytest.fixture
def garden():
    return make_proposal(make_axis(), key="eco-partage", title="Des jardins partagés")


def test_a_new_proposal_is_found_at_once(citizen, garden):
    assert search(citizen, "jardin") == ["eco-partage"]
    assert SearchDocument.objects.filter(proposal=garden).exists()


def test_a_changed_text_is_searched_and_the_old_one_no_more(citizen, garden):
    garden.title = "Des vergers partagés"
    garden.summary = "Des pommiers dans chaque quartier."
    garden.save()

    assert search(citizen, "jardin") == []
    assert search(citizen, "verger pommier") == ["eco-partage"]


def test_a_project_linked_renamed_unlinked_or_deleted_changes_what_is_found(citizen, garden):
    project = make_project([garden], title="Permis de végétaliser")
    assert search(citizen, "végétalisation") == ["eco-partage"]

    project.title = "Composteurs collectifs"
    project.save()
    assert search(citizen, "végétalisation") == []
    assert search(citizen, "composteur") == ["eco-partage"]

    project.proposals.remove(garden)
    assert search(citizen, "composteur") == []

    garden.projects.add(project)  # from the proposal's side
    assert search(citizen, "composteur") == ["eco-partage"]

    project.proposals.clear()
    assert search(citizen, "composteur") == []

    project.proposals.set([garden])
    assert search(citizen, "composteur") == ["eco-partage"]

    project.delete()
    assert search(citizen, "composteur") == []


def test_a_deleted_proposal_takes_its_document_with_it(garden):
    garden.delete()

    assert not SearchDocument.objects.exists()


def test_rebuilding_every_document_finds_the_same(citizen, garden):
    make_project([garden], title="Permis de végétaliser")
    SearchDocument.objects.all().delete()

    SearchDocument.rebuild()

    assert search(citizen, "vegetaliser jardins") == ["eco-partage"]
    assert SearchDocument.objects.count() == Proposal.objects.count() == 1
    assert Project.objects.count() == 1

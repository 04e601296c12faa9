"""The public site's addresses are named after the app that serves them (`public_site:…`), and
answer exactly as before: each name gives its old path, each path its page."""

import pytest
from django.urls import NoReverseMatch, resolve, reverse

from tests.factory import make_axis, make_project, make_proposal, make_review, set_status

pytestmark = pytest.mark.django_db

# (name, arguments, the path it always had)
ADDRESSES = [
    ("home", [], "/"),
    ("proposal-list", [], "/propositions/"),
    ("proposal-csv", [], "/propositions.csv"),
    ("proposal-json", [], "/propositions.json"),
    ("proposal-detail", ["velo"], "/propositions/velo/"),
    ("project-list", [], "/projets/"),
    ("project-detail", ["pistes"], "/projets/pistes/"),
    ("opendata", [], "/donnees/"),
    ("datapackage", [], "/donnees/datapackage.json"),
    ("catalogue", [], "/donnees/catalogue.jsonld"),
    ("accessibility", [], "/accessibilite/"),
    ("review-list", [], "/bilans/"),
    ("review-detail", [2025], "/bilans/2025/"),
    ("review-deliberations-json", [2025], "/bilans/2025/deliberations.json"),
    ("review-deliberations-csv", [2025], "/bilans/2025/deliberations.csv"),
    ("review-pdf", [2025], "/bilans/2025.pdf"),
    ("review-csv", [2025], "/bilans/2025.csv"),
    ("review-version-json", [2025, 1], "/bilans/2025/v1.json"),
    ("proposal-feed", ["velo"], "/propositions/velo/flux/"),
    ("proposal-card", ["velo"], "/propositions/velo/carte/"),
    ("axis-feed", ["mobilites"], "/axes/mobilites/flux/"),
    ("axis-card", ["mobilites"], "/axes/mobilites/carte/"),
    ("feed", [], "/flux/"),
    ("sitemap", [], "/sitemap.xml"),
]


@pytest.mark.parametrize(("name", "args", "path"), ADDRESSES, ids=[name for name, _args, _path in ADDRESSES])
def test_each_name_gives_its_old_path_and_back(name, args, path):
    assert reverse(f"public_site:{name}", args=args) == path
    assert resolve(path).view_name == f"public_site:{name}"


@pytest.mark.parametrize("old", ["proposals:home", "reports:review-list", "embeds:axis-card", "feed"])
def test_the_old_names_are_gone(old):
    with pytest.raises(NoReverseMatch):
        reverse(old)


def test_every_address_answers(citizen):
    axis = make_axis(slug="mobilites", name="Mobilités")
    proposal = make_proposal(axis, key="velo")
    set_status(proposal, 2025, "implemented")
    make_project([proposal], slug="pistes")
    make_review(2025, documents=True)  # a version's own address serves its stored document

    for _name, _args, path in ADDRESSES:
        assert citizen.get(path).status_code == 200, path

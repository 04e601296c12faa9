"""French is the source language; the catalogue gives French plural rules (0 and 1 singular)."""

import pytest
from django.utils.translation import ngettext

from tests.factory import make_convention, make_review

pytestmark = pytest.mark.django_db


def test_french_plural_rules_apply_to_the_sites_own_strings():
    singular, plural = "%(counter)s nouvelle ligne", "%(counter)s nouvelles lignes"  # the import's preview
    assert ngettext(singular, plural, 0) % {"counter": 0} == "0 nouvelle ligne"
    assert ngettext(singular, plural, 2) % {"counter": 2} == "2 nouvelles lignes"


def test_an_empty_search_says_zero_proposition_in_the_singular(citizen):
    make_convention(3)
    make_review(2025)

    html = citizen.get("/propositions/?q=introuvable").content.decode()

    assert "<strong>0 proposition</strong>" in html

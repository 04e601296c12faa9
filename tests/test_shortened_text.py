"""A text cut to a field's length ends at a word boundary with «…», never in the middle of a word."""

import pytest

from core.text import shortened

SENTENCE = "Instaurer un plan national pour se nourrir, dans chaque territoire, avec un calendrier public"


def test_a_text_that_fits_is_kept_whole():
    assert shortened(SENTENCE, len(SENTENCE)) == SENTENCE


@pytest.mark.parametrize("limit", range(20, len(SENTENCE)))
def test_a_longer_text_ends_at_a_word_boundary_with_an_ellipsis(limit):
    cut = shortened(SENTENCE, limit)

    assert len(cut) <= limit
    assert cut.endswith("…") and not cut.endswith(" …") and not cut.endswith(",…")
    kept = cut.removesuffix("…")
    assert SENTENCE.startswith(kept)
    assert SENTENCE[len(kept)] in " ,"  # the next character starts no word that was cut


def test_a_single_word_longer_than_the_limit_is_cut_all_the_same():
    assert shortened("anticonstitutionnellement", 10) == "anticonst…"

"""How the review's PDF is built (public_site/review_pdf.py): WeasyPrint runs with Python's cyclic
garbage collector paused, and the collector is as it was afterwards, whatever happens."""

import gc

import pytest

from public_site import review_pdf
from public_site.exports import export_review
from reports.models import AnnualReview


@pytest.fixture
def collector_on():
    gc.enable()
    yield
    gc.enable()


@pytest.mark.engine_independent("Python's garbage collector, no database")
def test_the_collector_is_off_inside_and_back_on_after(collector_on):
    with review_pdf.cyclic_gc_paused():
        inside = gc.isenabled()

    assert (inside, gc.isenabled()) == (False, True)


@pytest.mark.engine_independent("Python's garbage collector, no database")
def test_the_collector_is_back_on_after_an_error(collector_on):
    with pytest.raises(ValueError), review_pdf.cyclic_gc_paused():
        raise ValueError

    assert gc.isenabled()


@pytest.mark.engine_independent("Python's garbage collector, no database")
def test_a_collector_already_off_stays_off(collector_on):
    gc.disable()

    with review_pdf.cyclic_gc_paused():
        pass

    assert not gc.isenabled()


@pytest.mark.django_db
def test_weasyprint_builds_the_review_s_pdf_with_the_collector_off(clermont, collector_on, monkeypatch):
    seen, finish_pdf = [], review_pdf.finish_pdf

    def finish_and_note(document, pdf):
        seen.append(gc.isenabled())
        finish_pdf(document, pdf)

    monkeypatch.setattr(review_pdf, "finish_pdf", finish_and_note)

    content = export_review(AnnualReview.objects.get(year=2025), "pdf")

    assert content.startswith(b"%PDF")
    assert seen == [False]
    assert gc.isenabled()

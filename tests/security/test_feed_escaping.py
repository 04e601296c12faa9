"""The RSS feed carries editors' explanations as plain text: a feed reader shows the
characters, never runs or renders them as HTML."""

import xml.etree.ElementTree as ET

import pytest

from tests.factory import make_proposal, make_review, set_status

pytestmark = pytest.mark.django_db


def test_an_explanation_with_markup_reaches_feed_readers_as_text(citizen):
    proposal = make_proposal(title="Des bancs")
    set_status(proposal, 2025, "underway", explanation='<script>alert(1)</script> & <b onmouseover="x">gras</b>')
    make_review(2025)

    response = citizen.get("/flux/")

    item = ET.fromstring(response.content).find("channel/item")
    # A reader decodes the description as HTML: the text must come out as the characters typed.
    assert item.findtext("description") == (
        "&lt;script&gt;alert(1)&lt;/script&gt; &amp; &lt;b onmouseover=&quot;x&quot;&gt;gras&lt;/b&gt;"
    )
    assert b"<script>" not in response.content
    assert b"&lt;script&gt;" not in response.content  # escaped once for HTML, once for XML

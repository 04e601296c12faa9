import datetime

import pytest

from assessments.models import AssessmentSource, AxisStatement, CommitteeReview
from proposals.models import Convention
from tests.factory import make_assessment, make_axis, make_proposal, make_review, publish_committee, set_status
from tests.snapshots import replayed


def build_two_voices(publish: bool = True, documents: bool = False) -> dict:
    """A synthetic convention addressed to a government and a parliament, its 2025 review
    published (its documents stored with `documents=True`), and the committee's 2025 assessment
    (published unless `publish=False`):

    axis «Climat»: 6/10 and 3/10 (implemented), 4/10 (underway), pas d'avis (not implemented);
    axis «Démocratie»: 2/10 (implemented, dénaturée), 8/10 (underway)."""
    Convention.objects.create(
        pk=1,
        name="Convention citoyenne nationale",
        addressed_to="le Gouvernement et le Parlement",
        introduction="Test.",
    )
    climat = make_axis(slug="climat", name="Climat", order=1)
    democratie = make_axis(slug="democratie", name="Démocratie", order=2)
    plan = [
        (climat, "train", "Des trains de nuit", "implemented", 6),
        (climat, "isolation", "Isoler les logements", "implemented", 3),
        (climat, "velo", "Plus de vélos", "underway", 4),
        (climat, "fret", "Le fret par le rail", "not_implemented", None),
        (democratie, "referendum", "Un référendum local", "implemented", 2),
        (democratie, "budget", "Un budget participatif", "underway", 8),
    ]
    proposals = {}
    for order, (axis, key, title, status, _grade) in enumerate(plan):
        proposal = make_proposal(axis, key=key, title=title, order=order)
        set_status(proposal, 2025, status, explanation=f"Explication des institutions pour {title}.")
        proposals[key] = proposal
    make_review(2025, documents=documents)
    for _axis, key, _title, _status, grade in plan:
        fidelity = "distorted" if key == "referendum" else ""
        comment = f"Commentaire du comité sur {key}."
        assessment = make_assessment(proposals[key], 2025, grade, comment=comment, fidelity=fidelity)
        if key == "referendum":
            AssessmentSource.objects.create(
                assessment=assessment,
                label="Compte rendu du comité",
                url="https://example.org/compte-rendu",
                date=datetime.date(2025, 11, 30),
            )
    AxisStatement.objects.create(axis=climat, year=2025, text="Le climat avance trop lentement.")
    CommitteeReview.objects.create(year=2025, statement="Une année contrastée, selon le comité.")
    version = publish_committee(2025) if publish else None
    return {"proposals": proposals, "version": version}


@pytest.fixture
def two_voices(db):
    return replayed(build_two_voices)

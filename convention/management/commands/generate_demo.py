"""A fictitious convention of another shape than the first city's, to show the site is not
made for one city: a national convention of six axes with long names, 146 measures with long
titles, carried by a government, a parliament or both, two published reviews, and the follow-up
committee's assessment of 2025 (grades, comments, verdicts, statements), published before the
2025 review so that its documents carry the committee's voice too.

Loaded into an empty database only (`make demo` gives it its own SQLite file, demo.sqlite3):
never mixed with a real convention. Every page says it is fictitious (Convention.is_demo).
"""

import datetime
import random

from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from assessments.models import Assessment, AssessmentSource, AxisStatement, CommitteeReview, Fidelity
from assessments.publication import committee_publish
from core.cache import bump_generation
from core.text import shortened
from proposals.models import (
    Axis,
    Convention,
    Institution,
    KeyFigure,
    Project,
    ProjectState,
    Proposal,
    SearchDocument,
    Source,
    Status,
    YearlyStatus,
)
from reports.models import AnnualReview, Assembly, Deliberation

NAME = "Convention fictive — démonstration"
INTRODUCTION = (
    "Convention fictive — démonstration. Ce site montre le suivi d'une convention citoyenne "
    "nationale imaginaire : cent quarante-six mesures, réparties en six axes, remises au "
    "Gouvernement et au Parlement, et deux bilans annuels.\n\n"
    "Les mesures, les statuts, les projets et les chiffres sont générés : ils ne décrivent "
    "aucune convention réelle ni aucune décision publique."
)
INSTITUTIONS = [
    ("gouvernement", "Gouvernement"),
    ("parlement", "Parlement"),
    ("collectivites", "Collectivités territoriales"),
    ("union-europeenne", "Union européenne"),
]
ASSEMBLIES = [("assemblee-nationale", "Assemblée nationale"), ("senat", "Sénat")]
# (slug, name, number of measures): 146 in all.
AXES = [
    ("se-nourrir", "Se nourrir : une alimentation saine, durable et accessible à toutes et à tous", 31),
    ("se-deplacer", "Se déplacer : des mobilités moins polluantes dans les villes comme dans les campagnes", 28),
    ("se-loger", "Se loger : rénover les logements et construire sans artificialiser les sols", 25),
    ("produire-travailler", "Produire et travailler : une économie qui émet moins et protège l'emploi", 22),
    ("consommer", "Consommer : réparer, réemployer et choisir des produits qui durent", 21),
    ("decider-ensemble", "Décider ensemble : associer les citoyennes et les citoyens aux choix publics", 19),
]
ACTIONS = [
    "Instaurer",
    "Généraliser",
    "Financer",
    "Encadrer par la loi",
    "Développer",
    "Soutenir",
    "Rendre obligatoire",
    "Expérimenter",
]
OBJECTS = [
    "un plan national",
    "un fonds de transition",
    "un droit nouveau",
    "un programme d'accompagnement",
    "une obligation progressive",
    "un dispositif d'aide",
]
DETAILS = [
    "pour les ménages les plus modestes",
    "dans chaque territoire, en lien avec les collectivités",
    "avec un calendrier public et des objectifs chiffrés revus chaque année",
    "en associant les organisations professionnelles, les associations et les citoyens tirés au sort",
    "en commençant par les territoires les plus exposés aux sécheresses, aux inondations et aux vagues de chaleur",
    "avec une évaluation indépendante rendue publique tous les deux ans et présentée au Parlement",
    "en garantissant que personne ne paie plus qu'aujourd'hui pendant la période de transition",
]
# The statuses of each review: 2024 is the first review, 2025 the second.
STATUS_2024 = [Status.UNDERWAY] * 5 + [Status.NOT_IMPLEMENTED] * 3 + [Status.IMPLEMENTED] * 2
STATUS_2025 = [Status.IMPLEMENTED] * 5 + [Status.UNDERWAY] * 2 + [Status.NOT_IMPLEMENTED, Status.OUT_OF_SCOPE]
EXPLANATIONS = {
    Status.IMPLEMENTED: "La mesure est en vigueur (explication fictive).",
    Status.UNDERWAY: "Un texte est en préparation ; son calendrier est public (explication fictive).",
    Status.NOT_IMPLEMENTED: "Aucune décision n'a encore été prise (explication fictive).",
    Status.OUT_OF_SCOPE: "La mesure relève d'une autre autorité (explication fictive).",
}
# The committee's grades by the institutions' status: mostly in line with it, sometimes far from
# it (a measure «implemented» graded below 5: the divergences the review page lists); None is
# «pas d'avis».
GRADES = {
    Status.IMPLEMENTED: [10, 9, 8, 8, 7, 6, 4, 3, None],
    Status.UNDERWAY: [7, 6, 5, 5, 4, 3, None],
    Status.NOT_IMPLEMENTED: [3, 2, 1, 0, 0, None],
    Status.OUT_OF_SCOPE: [5, 2, None],
}
COMMENTS = [
    "",
    "Le comité salue une mise en œuvre fidèle et rapide (commentaire fictif).",
    "Le texte adopté reprend la mesure en partie seulement (commentaire fictif).",
    "Le comité ne retrouve pas la mesure dans la décision annoncée (commentaire fictif).",
    "Le calendrier annoncé n'est pas tenu (commentaire fictif).",
]
COMMITTEE_YEAR = 2025
# The longest title the demo writes (a national convention's measures run to several hundred
# characters): a longer one is cut at a word, with «…», and its text keeps it whole.
DEMO_TITLE_LENGTH = 400
TEXT = "Texte fictif de la mesure, tel que la convention l'aurait écrit."


class Command(BaseCommand):
    help = (
        "Load a fictitious convention (6 axes, 146 measures, two published reviews) into an empty "
        "database, for demonstration; `make demo` gives it its own file, demo.sqlite3."
    )

    def handle(self, *args, verbosity=1, **options):
        convention = Convention.objects.first()
        if convention and convention.is_demo:
            if verbosity:
                self.stdout.write("La démonstration est déjà chargée.")
            return
        if convention or Proposal.objects.exists() or Axis.objects.exists():
            raise CommandError(
                "Cette base contient déjà une convention : la démonstration se charge dans une base vide, "
                "jamais à côté de données réelles (make demo utilise son propre fichier, demo.sqlite3)."
            )
        with transaction.atomic():
            count = build_demo()
            transaction.on_commit(bump_generation)  # bulk writes send no signal
        if verbosity:
            self.stdout.write(
                f"Convention fictive chargée : {count} mesures, bilans 2024 et 2025 publiés, "
                f"avis du comité de suivi {COMMITTEE_YEAR} publié."
            )


def _measure(rng: random.Random, axis_name: str) -> str:
    """A measure as the convention wrote it, from a few words to several hundred characters."""
    theme = axis_name.split(" :")[0].lower()
    measure = f"{rng.choice(ACTIONS)} {rng.choice(OBJECTS)} pour {theme}"
    for detail in rng.sample(DETAILS, rng.choice([0, 0, 1, 2, 3, 5, 7])):
        measure += f", {detail}"
    return measure


def _title_and_text(rng: random.Random, axis_name: str) -> tuple[str, str]:
    """A measure's title (at most DEMO_TITLE_LENGTH characters, cut at a word) and its text,
    which gives the whole measure when the title had to be cut."""
    measure = _measure(rng, axis_name)
    title = shortened(measure, DEMO_TITLE_LENGTH)
    return title, f"{measure}.\n\n{TEXT}" if title != measure else TEXT


def build_demo() -> int:
    """Write the fictitious convention; returns the number of measures."""
    rng = random.Random(2025)  # the same demonstration every time
    Convention.objects.create(
        pk=1,
        name=NAME,
        short_name="Convention fictive",
        addressed_to="le Gouvernement et le Parlement",
        introduction=INTRODUCTION,
        is_demo=True,
        proposal_name="mesure",
        proposal_name_plural="mesures",
    )
    institutions = [
        Institution.objects.create(code=code, name=name, order=order)
        for order, (code, name) in enumerate(INSTITUTIONS, start=1)
    ]
    government, parliament, local, europe = institutions
    lead_choices = [[government]] * 4 + [[parliament]] * 3 + [[government, parliament]] * 3 + [[local], [europe], []]
    proposals, leads = [], []
    number = 0
    for order, (slug, name, count) in enumerate(AXES, start=1):
        axis = Axis.objects.create(slug=slug, name=name, order=order, description=f"Axe fictif : {name}.")
        for rank in range(1, count + 1):
            number += 1
            untitled = number % 37 == 0  # a few titles not entered yet, as in real conventions
            title, text = ("", TEXT) if untitled else _title_and_text(rng, name)
            proposals.append(
                Proposal(
                    key=f"mesure-{number}",
                    number=number,
                    axis=axis,
                    order=rank,
                    title=title,
                    summary="Résumé fictif, en langage clair, d'une mesure de démonstration.",
                    text=text,
                )
            )
            leads.append(rng.choice(lead_choices))
    proposals = Proposal.objects.bulk_create(proposals)
    SearchDocument.rebuild([proposal.pk for proposal in proposals])  # bulk writes send no signal
    Proposal.leads.through.objects.bulk_create(
        Proposal.leads.through(proposal=proposal, institution=institution)
        for proposal, chosen in zip(proposals, leads, strict=True)
        for institution in chosen
    )

    statuses = []
    for proposal in proposals:
        first = rng.choice(STATUS_2024)
        second = first if first == Status.IMPLEMENTED else rng.choice(STATUS_2025)
        if proposal.number % 29 != 0:  # a few measures not assessed in the first review
            statuses.append(YearlyStatus(proposal=proposal, year=2024, status=first, explanation=EXPLANATIONS[first]))
        statuses.append(YearlyStatus(proposal=proposal, year=2025, status=second, explanation=EXPLANATIONS[second]))
    statuses = YearlyStatus.objects.bulk_create(statuses)
    Source.objects.bulk_create(
        Source(
            yearly_status=status,
            label=f"Bilan {status.year} de la convention fictive",
            url=f"https://example.org/demonstration/bilan-{status.year}",
            date=datetime.date(status.year, 12, 1),
        )
        for status in statuses
    )

    for index in range(12):
        served = proposals[index * 12 : index * 12 + rng.randint(1, 4)]
        project = Project.objects.create(
            slug=f"projet-fictif-{index + 1}",
            title=f"Projet fictif n° {index + 1} : {served[0].axis.name.split(' :')[0].lower()}",
            summary="Un projet fictif qui met en œuvre des mesures de démonstration.",
            focus="Texte fictif du focus.\n\nLes chiffres clés sont inventés.",
            lead=rng.choice([government, parliament, local]),
            start_year=rng.choice([2023, 2024, 2025]),
            state=rng.choice(ProjectState.values),
        )
        project.proposals.set(served)
        KeyFigure.objects.create(project=project, label="budget fictif", value=rng.randint(1, 90) * 1000000, unit="€")

    assemblies = [
        Assembly.objects.create(code=code, name=name, order=order)
        for order, (code, name) in enumerate(ASSEMBLIES, start=1)
    ]
    for year in (2024, 2025):
        if year == COMMITTEE_YEAR:  # before the review: its documents then carry the committee's voice
            publish_committee(rng, proposals, statuses, year)
        review = AnnualReview.objects.create(
            year=year,
            situation_date=datetime.date(year, 11, 30),
            introduction=f"Bilan fictif {year} de la convention de démonstration.",
            is_final=year == 2025,
        )
        for day, assembly in enumerate(assemblies, start=10):
            Deliberation.objects.create(
                review=review, body=assembly, date=datetime.date(year, 12, day), reference=f"DEMO-{year}-{day}"
            )
        review.publish()  # frozen, its documents stored
    return len(proposals)


def publish_committee(rng: random.Random, proposals: list, statuses: list, year: int) -> None:
    """The follow-up committee's assessment of `year`: a grade (or none), a comment, a verdict on
    fidelity and sometimes a source for each measure, a statement per axis and on the year; published."""
    status_of = {status.proposal_id: status.status for status in statuses if status.year == year}
    assessments = Assessment.objects.bulk_create(
        Assessment(
            proposal=proposal,
            year=year,
            grade=rng.choice(GRADES[status_of[proposal.pk]]),
            comment=rng.choice(COMMENTS),
            fidelity=rng.choice([*Fidelity.values, ""]),
        )
        for proposal in proposals
    )
    AssessmentSource.objects.bulk_create(
        AssessmentSource(
            assessment=assessment,
            label=f"Compte rendu fictif de la séance du comité, {year}",
            url=f"https://example.org/demonstration/comite-{year}",
            date=datetime.date(year, 11, 20),
        )
        for assessment in assessments
        if assessment.comment
    )
    AxisStatement.objects.bulk_create(
        AxisStatement(
            axis=axis,
            year=year,
            text=f"Déclaration fictive du comité de suivi sur l'axe « {axis.name.split(' :')[0]} » en {year}.",
        )
        for axis in Axis.objects.order_by("order")
    )
    review = CommitteeReview.objects.create(
        year=year,
        statement=(
            f"Déclaration fictive du comité de suivi sur l'année {year} : les notes, les commentaires et "
            "les verdicts de cette démonstration sont générés."
        ),
    )
    committee_publish(review, when=datetime.datetime(year, 12, 5, 12, tzinfo=datetime.UTC))

import datetime

from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from core.cache import bump_generation
from proposals.models import Axis, Institution, Project, Proposal, SearchDocument, Source, Status, YearlyStatus
from reports.models import AnnualReview, ReviewVersion

AXES = [
    ("ecologique", "Transition écologique"),
    ("democratique", "Transition démocratique"),
    ("sociale", "Transition sociale"),
]
STATUSES = [Status.IMPLEMENTED] * 6 + [Status.UNDERWAY, Status.NOT_IMPLEMENTED, Status.OUT_OF_SCOPE]


class Command(BaseCommand):
    help = (
        "Replace every proposal, project and review with a generated convention of N proposals "
        "(three axes, one status per proposal for the year, one project per ten proposals, "
        "a draft review to publish with publish_review): data for benchmarks, never for a real city."
    )

    def add_arguments(self, parser):
        parser.add_argument("--proposals", type=int, default=4000)
        parser.add_argument("--year", type=int, default=2025)
        parser.add_argument("--yes", action="store_true", help="Confirm that existing data may be deleted.")

    @transaction.atomic
    def handle(self, *, proposals: int, year: int, yes: bool, **options):
        if not yes:
            raise CommandError("Cette commande efface toutes les propositions : relancez-la avec --yes.")
        if proposals < 1:
            raise CommandError("Le nombre de propositions doit être positif.")
        ReviewVersion.objects.all().delete()  # a published record is deleted only with its whole convention
        AnnualReview.objects.all().delete()
        Project.objects.all().delete()
        Proposal.objects.all().delete()
        Axis.objects.all().delete()
        axes = [Axis.objects.create(slug=slug, name=name, order=i) for i, (slug, name) in enumerate(AXES)]
        created = Proposal.objects.bulk_create(
            Proposal(
                key=f"proposition-{i}",
                title=f"Proposition générée numéro {i} pour mesurer le site",
                summary="Résumé en langage clair d'une proposition générée pour les mesures de performance.",
                axis=axes[i % len(axes)],
                order=i,
            )
            for i in range(1, proposals + 1)
        )
        institution, _ = Institution.objects.get_or_create(code="porteur", defaults={"name": "Institution générée"})
        Proposal.leads.through.objects.bulk_create(
            Proposal.leads.through(proposal=p, institution=institution) for p in created
        )
        statuses = YearlyStatus.objects.bulk_create(
            YearlyStatus(proposal=p, year=year, status=STATUSES[i % len(STATUSES)], explanation="Explication publique.")
            for i, p in enumerate(created)
        )
        Source.objects.bulk_create(
            Source(yearly_status=s, label="Bilan annuel", date=datetime.date(year, 12, 1)) for s in statuses
        )
        projects = Project.objects.bulk_create(
            Project(slug=f"projet-{i}", title=f"Projet généré {i}", state="delivered")
            for i in range(1, proposals // 10 + 2)
        )
        Project.proposals.through.objects.bulk_create(
            Project.proposals.through(project=projects[i // 10], proposal=p) for i, p in enumerate(created)
        )
        AnnualReview.objects.create(year=year, situation_date=datetime.date(year, 12, 1), is_final=True)
        SearchDocument.rebuild()  # bulk writes send no signal
        transaction.on_commit(bump_generation)
        self.stdout.write(
            f"{proposals} propositions générées, bilan {year} en brouillon : "
            f"publiez-le avec « manage.py publish_review {year} »."
        )

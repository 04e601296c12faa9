import time

from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from publishing.models import Publication
from publishing.workflow import publication_request, publication_run
from reports.models import AnnualReview
from reports.publication import PublicationError, check_statuses_entered

BAR_WIDTH = 30


class Command(BaseCommand):
    help = (
        "Publie le bilan d'une année (ou son rectificatif ouvert) dans ce processus, avec les mêmes étapes "
        "que le bouton « Publier » du back office (qui les confie au traitement en arrière-plan) : fige les "
        "statuts, les chiffres et les textes du bilan, produit et enregistre ses cinq documents, l'annonce "
        "aux abonnés, puis prépare les pages publiques. Tout ou rien : un échec ne publie rien."
    )

    def add_arguments(self, parser):
        parser.add_argument("year", type=int, help="Année du bilan, par exemple 2025.")
        parser.add_argument(
            "--no-status-acknowledged",
            action="store_true",
            help="Publier même si aucun statut n'a été saisi pour cette année (sinon refusé).",
        )

    def handle(self, *args, year, verbosity, no_status_acknowledged=False, **options):
        review = AnnualReview.objects.filter(year=year).first()
        if review is None:
            raise CommandError(_("Aucun bilan pour l'année %(year)s.") % {"year": year})
        started = time.monotonic()

        def echo(index: int, total: int, label: str) -> None:
            if verbosity:
                filled = BAR_WIDTH * index // total
                bar = "#" * filled + "." * (BAR_WIDTH - filled)
                self.stdout.write(f"[{bar}] {index + 1}/{total} {label} ({time.monotonic() - started:.1f} s)")

        try:
            check_statuses_entered(review, no_status_acknowledged=no_status_acknowledged)
            publication, created = publication_request(review, queue=False)
        except PublicationError as error:
            raise CommandError(str(error)) from error
        if not created:
            raise CommandError(
                _("Une publication du bilan %(year)s est déjà en cours (%(state)s) : attendez qu'elle finisse.")
                % {"year": year, "state": publication.get_state_display()}
            )
        publication = publication_run(publication.pk, echo=echo)
        if publication.state == Publication.State.FAILED:
            raise CommandError(publication.error)
        self.stdout.write(
            _("Bilan %(year)s publié (version %(number)s) en %(seconds).1f s : %(count)s propositions figées.")
            % {
                "year": year,
                "number": publication.number,
                "seconds": time.monotonic() - started,
                "count": review.versions.get(number=publication.number).entries.count(),
            }
        )

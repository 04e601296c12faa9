import time

from django.core.management.base import BaseCommand, CommandError
from django.db import DatabaseError, InterfaceError, OperationalError
from django.utils.translation import gettext as _

from core import disk
from core.disk import disk_message
from reports.models import AnnualReview
from reports.publication import PublicationError, review_publish

STEPS = ["statuts", "pdf", "xlsx", "ods", "csv", "json"]


class Command(BaseCommand):
    help = (
        "Publie le bilan d'une année (ou son rectificatif ouvert) : fige les statuts, les chiffres et les "
        "textes du bilan, puis produit et enregistre ses cinq documents. Pour les grandes conventions, "
        "dont la publication dépasse la durée d'une requête web."
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

        def progress(step: str) -> None:
            if verbosity:
                done = STEPS.index(step)
                bar = "#" * done + "." * (len(STEPS) - done)
                self.stdout.write(f"[{bar}] {step} ({time.monotonic() - started:.1f} s)")

        try:
            version = review_publish(review, progress=progress, no_status_acknowledged=no_status_acknowledged)
        except PublicationError as error:
            raise CommandError(str(error)) from error
        except (OSError, DatabaseError) as error:
            # The publication is one transaction: it was rolled back. A full or read-only disk
            # (core/disk.py) is said as such: waiting for the database would not fix it.
            if disk_message(error):
                nothing = _("Rien n'a été publié : le bilan %(year)s est resté tel qu'il était.") % {"year": year}
                raise CommandError(f"{disk_message(error)} {nothing} {disk.ADVICE}") from error
            if not isinstance(error, OperationalError | InterfaceError):
                raise
            raise CommandError(
                _(
                    "La base de données ne répond plus. Rien n'a été publié : le bilan %(year)s est resté tel "
                    "qu'il était. Relancez la commande quand la base répond à nouveau."
                )
                % {"year": year}
            ) from error
        self.stdout.write(
            _("Bilan %(year)s publié (version %(number)s) en %(seconds).1f s : %(count)s propositions figées.")
            % {
                "year": year,
                "number": version.number,
                "seconds": time.monotonic() - started,
                "count": version.entries.count(),
            }
        )

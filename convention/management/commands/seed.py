from django.core.management import call_command
from django.core.management.base import BaseCommand

from proposals.models import Axis, Proposal
from reports.publication import freeze_published_reviews


class Command(BaseCommand):
    help = (
        "Load fixtures (the city's convention, e.g. `seed clermont`) into a database that has no "
        "proposal yet; do nothing otherwise, so that a restart never overwrites the back office's work."
    )

    def add_arguments(self, parser):
        parser.add_argument("fixtures", nargs="+")

    def handle(self, *, fixtures, verbosity, **options):
        if Proposal.objects.exists() or Axis.objects.exists():
            if verbosity:
                self.stdout.write("Des données sont déjà là : rien n'est chargé.")
            return
        call_command("loaddata", *fixtures, verbosity=verbosity)
        # A review the fixture gives as published is frozen, its documents stored.
        for version in freeze_published_reviews():
            if verbosity:
                self.stdout.write(f"Bilan {version.year} publié (version {version.number}).")

from django.core.management import call_command
from django.core.management.base import BaseCommand

from proposals.models import Axis, Proposal
from reports.models import ReviewVersion


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
        # A fixture is data from before publication froze reviews: it is brought up to date as an
        # upgrade is, by `migrate` (no migration left to apply; its post_migrate receiver,
        # reports/apps.py, freezes the reviews marked published, their documents stored).
        known = set(ReviewVersion.objects.values_list("pk", flat=True))
        call_command("migrate", interactive=False, verbosity=0)
        for version in ReviewVersion.objects.exclude(pk__in=known).select_related("review").order_by("review__year"):
            if verbosity:
                self.stdout.write(f"Bilan {version.year} publié (version {version.number}).")

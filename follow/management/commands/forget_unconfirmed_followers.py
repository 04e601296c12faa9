from django.core.management.base import BaseCommand
from django.db import transaction

from follow.models import UNCONFIRMED_DAYS, Follower


class Command(BaseCommand):
    help = (
        f"Forget the e-mail addresses left unconfirmed {UNCONFIRMED_DAYS} days after they were given "
        "(or after their last confirmation message), with what they asked to follow. Run it daily."
    )

    def add_arguments(self, parser):
        parser.add_argument("--dry-run", action="store_true", help="Count them, delete nothing.")

    def handle(self, *args, dry_run=False, verbosity=1, **options):
        with transaction.atomic():
            if dry_run:
                count = Follower.objects.unconfirmed_since().count()
            else:
                count = Follower.objects.forget_unconfirmed()
        if verbosity:
            verb = "would be forgotten" if dry_run else "forgotten"
            self.stdout.write(f"{count} unconfirmed address(es) {verb}.")

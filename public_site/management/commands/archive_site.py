import time
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from public_site.archive import MANIFEST, README, ArchiveError, archive_site


class Command(BaseCommand):
    help = (
        "Écrit l'archive statique du site public dans un dossier : chaque page publique, chaque document "
        "publié, les données ouvertes et les fichiers statiques, avec des liens relatifs (l'archive se lit "
        "sans serveur, depuis n'importe quel hébergement statique), un manifeste SHA256SUMS et LISEZMOI.html. "
        "Pour garder le suivi quand il s'arrête."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "directory",
            type=Path,
            help="Dossier où écrire l'archive : un nouveau dossier (ou vide), mis en place une fois complet.",
        )

    def handle(self, *args, directory, **options):
        started = time.monotonic()
        try:
            archive = archive_site(directory)
        except ArchiveError as error:
            raise CommandError(str(error)) from error
        except OSError as error:
            raise CommandError(_("Écriture impossible : %(error)s") % {"error": error}) from error
        if archive.truncated:
            self.stderr.write(_("Archive limitée au nombre maximal de fichiers : des liens restent vers le site."))
        self.stdout.write(
            _("%(count)s fichiers écrits dans %(directory)s en %(seconds).1f s (%(manifest)s, %(readme)s).")
            % {
                "count": len(archive.files),
                "directory": directory,
                "seconds": time.monotonic() - started,
                "manifest": MANIFEST,
                "readme": README,
            }
        )

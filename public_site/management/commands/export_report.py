from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from public_site.exports import export_review
from reports.documents import stored_document
from reports.formats import FORMATS
from reports.models import AnnualReview


class Command(BaseCommand):
    help = (
        "Écrit le bilan d'une année dans un fichier (pdf, xlsx, ods, csv ou json) : pour un bilan publié, "
        "le document enregistré à la publication, octet pour octet celui que le site sert ; un bilan non "
        "publié est produit à l'instant, marqué « Brouillon »."
    )

    def add_arguments(self, parser):
        parser.add_argument("year", type=int, help="Année du bilan, par exemple 2025.")
        parser.add_argument("--format", dest="fmt", required=True, help="pdf, xlsx, ods, csv ou json.")
        parser.add_argument("--output", required=True, type=Path, help="Fichier à écrire.")
        parser.add_argument(
            "--base-url",
            default=settings.SITE_URL,
            help="Adresse du site (https://…) pour rendre absolus les liens vers les propositions.",
        )

    def handle(self, *args, year, fmt, output, base_url, **options):
        if fmt not in FORMATS:
            raise CommandError(
                _("Format inconnu : « %(fmt)s ». Formats possibles : %(formats)s.")
                % {"fmt": fmt, "formats": ", ".join(FORMATS)}
            )
        review = AnnualReview.objects.filter(year=year).first()
        if review is None:
            known = ", ".join(str(y) for y in AnnualReview.objects.order_by("year").values_list("year", flat=True))
            raise CommandError(
                _("Aucun bilan pour l'année %(year)s. Bilans existants : %(known)s.")
                % {"year": year, "known": known or _("aucun")}
            )
        document = stored_document(year, fmt)
        if document is not None:
            content = document.content
        else:
            content = export_review(review, fmt, base_url=base_url.rstrip("/"))
        try:
            output.write_bytes(content)
        except OSError as error:
            raise CommandError(
                _("Impossible d'écrire %(output)s : %(error)s.") % {"output": output, "error": error.strerror}
            ) from error
        draft = "" if document is not None else _(" (brouillon)")
        self.stdout.write(
            _("Bilan %(year)s%(draft)s écrit dans %(output)s (%(size)s octets).")
            % {"year": year, "draft": draft, "output": output, "size": len(content)}
        )

from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from reports.exports import FORMATS, export_review
from reports.models import AnnualReview


class Command(BaseCommand):
    help = (
        "Écrit le bilan d'une année dans un fichier (pdf, xlsx, ods, csv ou json), octet pour octet "
        "le document que le site sert. Un bilan non publié est exporté marqué « Brouillon »."
    )

    def add_arguments(self, parser):
        parser.add_argument("year", type=int, help="Année du bilan, par exemple 2025.")
        parser.add_argument("--format", dest="fmt", required=True, help="pdf, xlsx, ods, csv ou json.")
        parser.add_argument("--output", required=True, type=Path, help="Fichier à écrire.")
        parser.add_argument(
            "--base-url",
            default=getattr(settings, "SITE_URL", ""),
            help="Adresse du site (https://…) pour rendre absolus les liens vers les propositions.",
        )

    def handle(self, *args, year, fmt, output, base_url, **options):
        if fmt not in FORMATS:
            raise CommandError(f"Format inconnu : « {fmt} ». Formats possibles : {', '.join(FORMATS)}.")
        review = AnnualReview.objects.filter(year=year).first()
        if review is None:
            known = ", ".join(str(y) for y in AnnualReview.objects.order_by("year").values_list("year", flat=True))
            raise CommandError(f"Aucun bilan pour l'année {year}. Bilans existants : {known or 'aucun'}.")
        content = export_review(review, fmt, base_url=base_url.rstrip("/"))
        try:
            output.write_bytes(content)
        except OSError as error:
            raise CommandError(f"Impossible d'écrire {output} : {error.strerror}.") from error
        draft = "" if review.is_published else " (brouillon)"
        self.stdout.write(f"Bilan {year}{draft} écrit dans {output} ({len(content)} octets).")

"""What a published version's documents say about themselves (`VersionIdentity`): its number,
its publication date and, for a rectificatif, its reason and the version it replaces. The
wording of the PDF's metadata and cover, the JSON's `version` key and the spreadsheets'
identity lines; `ReviewVersion.identity()` builds it."""

import datetime
from dataclasses import dataclass

from django.utils.translation import gettext_lazy as _

from .formatting import fr_date


@dataclass(frozen=True)
class VersionIdentity:
    """A published version as its documents name it: number, publication date and, for a
    rectificatif, its reason and the version it replaces with the SHA-256 of that version's
    stored PDF (the council's document), so that someone holding two copies can tell which
    replaces which. The first version says it is the first."""

    year: int
    number: int
    published_at: datetime.datetime  # local time
    reason: str = ""
    replaces_number: int | None = None
    replaces_sha256: str = ""

    @property
    def is_correction(self) -> bool:
        return self.number > 1

    @property
    def published_iso(self) -> str:
        """«2025-12-15T18:30:00+01:00»: to the second, as PDF dates are."""
        return self.published_at.isoformat(timespec="seconds")

    def as_dict(self) -> dict:
        """The JSON's `version` key."""
        replaces = None
        if self.replaces_number is not None:
            replaces = {"number": self.replaces_number, "sha256": self.replaces_sha256 or None}
        return {
            "number": self.number,
            "published_at": self.published_iso,
            "first": not self.is_correction,
            "reason": self.reason or None,
            "replaces": replaces,
        }

    def headline(self) -> str:
        """«Version 1, publiée le 15 décembre 2025 (première version)» or «Rectificatif :
        version 2, publiée le 20 janvier 2026»."""
        date = fr_date(self.published_at.date())
        if self.is_correction:
            return _("Rectificatif : version %(number)s, publiée le %(date)s") % {"number": self.number, "date": date}
        return _("Version %(number)s, publiée le %(date)s (première version publiée)") % {
            "number": self.number,
            "date": date,
        }

    def lines(self) -> list[tuple[str, str]]:
        """(label, value) of each thing the version says about itself, for the documents."""
        lines = [
            (str(_("Version")), str(self.number)),
            (str(_("Publiée le")), fr_date(self.published_at.date())),
        ]
        if not self.is_correction:
            lines.append((str(_("Nature")), str(_("Première version publiée"))))
            return lines
        lines.append((str(_("Nature")), str(_("Rectificatif"))))
        lines.append((str(_("Motif du rectificatif")), self.reason))
        lines.append((str(_("Remplace la version")), str(self.replaces_number)))
        lines.append((str(_("SHA-256 du PDF de la version remplacée")), self.replaces_sha256 or "—"))
        return lines

    def keywords(self) -> list[str]:
        """The PDF's keywords: what a file manager or a search engine can show without opening it."""
        words = [str(_("bilan %(year)s") % {"year": self.year}), str(_("version %(number)s") % {"number": self.number})]
        if self.is_correction:
            words.append(str(_("rectificatif")))
            words.append(str(_("remplace la version %(number)s") % {"number": self.replaces_number}))
            if self.replaces_sha256:
                words.append(f"sha256:{self.replaces_sha256}")
        else:
            words.append(str(_("première version")))
        return words

    def description(self) -> str:
        """One sentence: the PDF's subject."""
        text = self.headline() + "."
        if self.is_correction:
            text += " " + _("Motif : %(reason)s") % {"reason": self.reason}
            text += " " + _("Remplace la version %(number)s") % {"number": self.replaces_number}
            if self.replaces_sha256:
                text += " " + _("(PDF de SHA-256 %(sha256)s)") % {"sha256": self.replaces_sha256}
            text += "."
        return text

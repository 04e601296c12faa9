"""Back-office workflows that span several models (SG "services")."""

import datetime
from collections.abc import Iterable
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext as _

from .models import Proposal, Source, YearlyStatus

# The yearly-status years the back office accepts: the database allows 2000–2100; a status is
# never entered for a year after next year.
FIRST_YEAR = 2000


def last_allowed_year() -> int:
    return timezone.localdate().year + 1


def year_is_allowed(year: int) -> bool:
    return FIRST_YEAR <= year <= last_allowed_year()


def year_range_message() -> str:
    return _("L'année doit être comprise entre %(first)s et %(last)s.") % {
        "first": FIRST_YEAR,
        "last": last_allowed_year(),
    }


def latest_review_year() -> int | None:
    """The year of the latest review, draft or published: the year the back office works on."""
    return YearlyStatus.record_model().objects.aggregate(year=Max("year"))["year"]


@dataclass(frozen=True)
class SourceData:
    label: str
    url: str = ""
    reference: str = ""
    date: datetime.date | None = None

    def build(self, yearly_status: YearlyStatus | None = None) -> Source:
        return Source(
            yearly_status=yearly_status, label=self.label, url=self.url, reference=self.reference, date=self.date
        )


def yearly_status_set_bulk(
    *,
    proposals: Iterable[Proposal],
    year: int,
    status: str,
    explanation: str,
    source: SourceData | None,
    user,
) -> list[YearlyStatus]:
    """Set the status of every proposal for `year`, with one explanation and one source.

    All or nothing: if the source rule (YearlyStatus.validate_sources) fails for one proposal,
    nothing is written and the ValidationError names the proposals concerned. The history
    records `user` as the author of every change."""
    if not year_is_allowed(year):
        raise ValidationError(year_range_message(), code="year_range")
    YearlyStatus.check_years_open([year])
    refused = []
    saved = []
    with transaction.atomic():
        for proposal in proposals:
            yearly = YearlyStatus.objects.filter(proposal=proposal, year=year).prefetch_related("sources").first()
            existing = list(yearly.sources.all()) if yearly else []
            yearly = yearly or YearlyStatus(proposal=proposal, year=year)
            yearly.status = status
            yearly.explanation = explanation
            new_source = source.build() if source and source.label else None
            try:
                yearly.validate_sources([*existing, new_source] if new_source else existing)
            except ValidationError:
                refused.append(proposal.key)
                continue
            yearly._history_user = user
            yearly.full_clean()
            yearly.save()
            if new_source:
                new_source.yearly_status = yearly
                new_source._history_user = user
                new_source.full_clean()
                new_source.save()
            saved.append(yearly)
        if refused:
            raise ValidationError(
                _(
                    "Aucun statut n'a été enregistré. Une source complète (libellé, adresse ou référence, date) "
                    "est nécessaire, car le statut change pour : %(keys)s."
                )
                % {"keys": ", ".join(refused)},
                code="source_required",
            )
    return saved

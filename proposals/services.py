"""Back-office workflows that span several models (SG "services")."""

import datetime
from collections.abc import Iterable
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Max
from django.utils.translation import gettext as _

from .models import Proposal, Source, YearlyStatus


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
    YearlyStatus.validate_year(year)
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

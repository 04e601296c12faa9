"""Signals of a publication, for what other apps do when a record is published.

`published` is sent inside the publication's transaction, once the version is frozen and the
record saved, with:
- `sender`: the record's model (e.g. the annual review's, the committee year's);
- `record`: the published record;
- `version`: the version just published (number 1, or a rectificatif's next number);
- `previous`: the version it replaces, or None for a first publication;
- whatever else the caller of the publication gave (`services.publish_record(**announce)`):
  the review's `documents` (False: store no document, for tests that never read them) and
  `progress` (a callable told each step, for the command). A receiver takes `**kwargs`.
A receiver that works after the publication is committed (sending mail, warming pages) registers
that work with `transaction.on_commit`: a rolled-back publication then does nothing.
"""

from django.dispatch import Signal

published = Signal()

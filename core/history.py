"""django-simple-history and raw loads (`loaddata`).

`loaddata` saves each row raw, then sets its many-to-many links. django-simple-history skips raw
saves, but records a change for each link set: a dump that holds the history rows (`dumpdata`
of the whole site) then clashes with the history rows it restores itself (a duplicate
`history_id`). A row saved raw is therefore marked to write no history while it is loaded:
the dump brings its history along.
"""

from django.db.models.signals import pre_save


def raw_saves_write_no_history(sender, instance, raw=False, **kwargs):
    if raw:
        instance.skip_history_when_saving = True


def connect_raw_loads() -> None:
    pre_save.connect(raw_saves_write_no_history, dispatch_uid="core-raw-saves-write-no-history")

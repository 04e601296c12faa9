"""Accent- and case-insensitive text search that behaves the same on SQLite and PostgreSQL.

PostgreSQL uses its `unaccent` extension (created by a migration); SQLite gets a Python
function of the same name on every new connection. `normalize` is applied to the query.
"""

import unicodedata

from django.db.backends.signals import connection_created
from django.db.models import CharField, Func
from django.db.models.functions import Lower
from django.dispatch import receiver

LIGATURES = str.maketrans({"œ": "oe", "Œ": "OE", "æ": "ae", "Æ": "AE", "’": "'"})


def normalize(text: str | None) -> str:
    """Lower case without accents: «Végétalisation» -> «vegetalisation»."""
    if not text:
        return ""
    decomposed = unicodedata.normalize("NFKD", text.translate(LIGATURES))
    return "".join(c for c in decomposed if not unicodedata.combining(c)).lower()


class Unaccent(Func):
    function = "unaccent"
    output_field = CharField()


def searchable(expression):
    """The database expression that matches `normalize(query)` with `__contains`."""
    return Lower(Unaccent(expression))


@receiver(connection_created)
def register_sqlite_unaccent(sender, connection, **kwargs):
    if connection.vendor == "sqlite":
        connection.connection.create_function("unaccent", 1, normalize, deterministic=True)

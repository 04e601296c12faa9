"""A full or read-only disk, told apart from a database that does not answer.

Writing fails the same way whether a file's disk or the database's is full, yet the drivers
say it differently: the system (OSError ENOSPC, EDQUOT, EROFS), SQLite (SQLITE_FULL,
SQLITE_READONLY), PostgreSQL (SQLSTATE 53100 disk_full, 25006 read_only_sql_transaction).
Django wraps a driver's error in its own (the driver's is its `__cause__`). Waiting does not
help: someone must free space or make the disk writable again, so it is said as such."""

import errno
import sqlite3

from django.utils.translation import gettext_lazy as _

FULL = "full"
READ_ONLY = "read_only"

MESSAGES = {
    FULL: _("Le disque du serveur est plein : ce qui était demandé n'a pas pu être enregistré."),
    READ_ONLY: _("Le disque du serveur ne peut pas être écrit : ce qui était demandé n'a pas pu être enregistré."),
}
ADVICE = _(
    "Prévenez la personne qui administre le serveur : il faut libérer de la place sur le disque, ou le rendre "
    "de nouveau inscriptible, avant de recommencer."
)

_ERRNOS = {errno.ENOSPC: FULL, errno.EDQUOT: FULL, errno.EROFS: READ_ONLY}
_SQLITE_CODES = {sqlite3.SQLITE_FULL: FULL, sqlite3.SQLITE_READONLY: READ_ONLY}
_SQLSTATES = {"53100": FULL, "25006": READ_ONLY}


def disk_problem(error: BaseException | None) -> str | None:
    """FULL or READ_ONLY when `error` (or an error it was raised from) says the disk is full or
    cannot be written; None otherwise."""
    seen = set()
    while error is not None and id(error) not in seen:
        seen.add(id(error))
        if isinstance(error, OSError) and error.errno in _ERRNOS:
            return _ERRNOS[error.errno]
        code = getattr(error, "sqlite_errorcode", None)
        if isinstance(error, sqlite3.Error) and code is not None and code & 0xFF in _SQLITE_CODES:
            return _SQLITE_CODES[code & 0xFF]
        sqlstate = getattr(error, "sqlstate", None) or getattr(error, "pgcode", None)
        if sqlstate in _SQLSTATES:
            return _SQLSTATES[sqlstate]
        error = error.__cause__ or error.__context__
    return None


def disk_message(error: BaseException) -> str:
    """What to say (French) when `error` is a full or read-only disk, else ""."""
    problem = disk_problem(error)
    return str(MESSAGES[problem]) if problem else ""

"""The safety rails of the spreadsheet imports: the pending file kept on the server and bound to
the session that previewed it, and the limits a file must meet before it is parsed."""

import io
import zipfile

from django.core.cache import cache
from django.utils.translation import gettext as _
from import_export.tmp_storages import CacheStorage

# The limits, checked before a file is parsed (see the README, «Imports»). A convention has
# tens or hundreds of rows: these leave room for any of them, not for a denial of service.
MAX_IMPORT_BYTES = 2 * 1024 * 1024
MAX_IMPORT_ROWS = 5000
# An XLSX or ODS file is a zip archive: what it holds once uncompressed, and in how many parts.
MAX_UNCOMPRESSED_BYTES = 20 * 1024 * 1024
MAX_ARCHIVE_MEMBERS = 200
# The preview shows at most this many rows (plus every row in error) and a summary.
PREVIEW_ROWS = 100

# How long a previewed file waits for its confirmation (seconds).
PENDING_IMPORT_SECONDS = 3600
SESSION_KEY = "pending_imports"
# Previews a session may keep waiting at once: older ones expire.
PENDING_PER_SESSION = 5


class PendingImportStorage(CacheStorage):
    """The previewed file, in the default cache (shared by the workers when the cache is),
    under a random name; read once."""

    CACHE_LIFETIME = PENDING_IMPORT_SECONDS
    CACHE_PREFIX = "pending-import-"

    def take(self) -> bytes | None:
        """The file's content, removed from the cache; None when it has expired or was taken
        already (two simultaneous confirmations: only one gets it)."""
        key = self.CACHE_PREFIX + self.name
        data = cache.get(key)
        if data is None or not cache.delete(key):
            return None
        return data


def remember_pending_import(request, model_label: str, initial: dict) -> None:
    """Bind a previewed file to the session: only this session may confirm it, as previewed."""
    pending = request.session.get(SESSION_KEY, {})
    pending[initial["import_file_name"]] = {
        "model": model_label,
        "format": str(initial["format"]),
        "resource": str(initial.get("resource") or ""),
        "original_file_name": initial["original_file_name"],
    }
    for name in list(pending)[:-PENDING_PER_SESSION]:
        PendingImportStorage(name=name).remove()
        del pending[name]
    request.session[SESSION_KEY] = pending


def take_pending_import(request, model_label: str, posted) -> dict | None:
    """The pending import the confirmation names, removed from the session, if it was previewed
    by this session for this model with the same format and resource; else None."""
    pending = request.session.get(SESSION_KEY, {})
    name = str(posted.get("import_file_name", ""))
    entry = pending.pop(name, None)
    request.session[SESSION_KEY] = pending
    if entry is None or entry["model"] != model_label:
        return None
    if any(str(posted.get(field, "")) != entry[field] for field in ("format", "resource")):
        PendingImportStorage(name=name).remove()
        return None
    data = PendingImportStorage(name=name).take()
    if data is None:
        return None
    return {**entry, "import_file_name": name, "data": data}

"""The safety rails of the spreadsheet imports: the pending rows kept on the server and bound to
the session that previewed them, and the limits a file must meet before it is parsed."""

import csv
import datetime
import io
import pickle
import zipfile
from uuid import uuid4

from django.utils import timezone
from django.utils.translation import gettext as _
from import_export.tmp_storages import BaseStorage

from core.models import PendingImport
from core.numbers import fr_number

# The limits, checked before a file is parsed (see the README, «Imports»). A convention has
# tens or hundreds of rows: these leave room for any of them, not for a denial of service.
# Each row is checked against the database (about ten queries): 5,000 yearly statuses took
# 43 s to preview on SQLite, so 2,000 keeps a preview, and its confirmation, well within the
# worker's timeout.
MAX_IMPORT_BYTES = 2 * 1024 * 1024
MAX_IMPORT_ROWS = 2000
# An XLSX or ODS file is a zip archive: what it holds once uncompressed, and in how many parts.
# Parsing is what costs: an ODS of 17 MB of XML took 29 s and 700 MB of memory to read; a
# 2,000-row file with long texts holds about 4 MB.
MAX_UNCOMPRESSED_BYTES = 8 * 1024 * 1024
MAX_ARCHIVE_MEMBERS = 200
# How a row begins in a workbook (XLSX, ODS): counted (a fast scan, no parsing) before the
# spreadsheet is read. A few empty rows are tolerated.
ROW_TAGS = (b"<row", b"<table:table-row")
EMPTY_ROWS_TOLERATED = 10
# What a parser costs grows with the XML tags it reads, whatever their size (odfpy: about 4 s
# and 80 MB per 100,000 empty elements): their count is bounded too, by the same scan. A
# 2,000-row workbook of 15 text columns holds about 125,000 tags (ODS) or 185,000 (XLSX).
# Every part is scanned, whatever its name: the parsers follow the workbook's own links to
# its sheets, which may have any name.
MAX_XML_TAGS = 200_000
# The preview shows at most this many rows (plus every row in error) and a summary.
PREVIEW_ROWS = 100

# How long a previewed file waits for its confirmation (seconds).
PENDING_IMPORT_SECONDS = 3600
SESSION_KEY = "pending_imports"

# Previews a session may keep waiting at once: older ones expire.
PENDING_PER_SESSION = 5


class PendingImportStorage(BaseStorage):
    """The previewed rows (a tablib Dataset, parsed once by the import form), in the database
    (`core.PendingImport`): any worker may get the confirmation. Under a random name;
    taken once."""

    def save(self, data) -> None:
        if not self.name:
            self.name = uuid4().hex
        now = timezone.now()
        PendingImport.objects.filter(expires_at__lt=now).delete()  # previews never confirmed
        PendingImport.objects.update_or_create(
            name=self.name,
            defaults={
                "dataset": pickle.dumps(data),
                "expires_at": now + datetime.timedelta(seconds=PENDING_IMPORT_SECONDS),
            },
        )
        self._saved = data

    def read(self):
        """The rows (those just saved, in the request that saved them); None when expired."""
        if hasattr(self, "_saved"):
            return self._saved
        row = PendingImport.objects.filter(name=self.name, expires_at__gte=timezone.now()).first()
        return pickle.loads(row.dataset) if row else None

    def remove(self) -> None:
        PendingImport.objects.filter(name=self.name).delete()

    def take(self):
        """The rows, removed from the database; None when they have expired or were taken
        already (two simultaneous confirmations: only one deletes the row, only one gets them)."""
        row = PendingImport.objects.filter(name=self.name, expires_at__gte=timezone.now()).first()
        if row is None or not PendingImport.objects.filter(pk=row.pk).delete()[0]:
            return None
        return pickle.loads(row.dataset)


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
    dataset = PendingImportStorage(name=name).take()
    if dataset is None:
        return None
    return {**entry, "import_file_name": name, "dataset": dataset}


class ImportFileError(ValueError):
    """A file refused as a whole, with a French message for the person who sent it."""


def too_many_rows_message() -> str:
    return _("Trop de lignes : %(max)s lignes au plus par fichier. Découpez-le en plusieurs fichiers.") % {
        "max": fr_number(MAX_IMPORT_ROWS)
    }


def check_archive(data: bytes) -> None:
    """An XLSX or ODS file is a zip archive: refuse one that would expand beyond the limits,
    from its table of contents (Python's zipfile never inflates a part beyond the size the
    table declares), then one that holds too many rows or XML tags, from a byte scan of its
    XML parts (no parsing). A file that is not an archive is left to the parser to refuse."""
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
    except (zipfile.BadZipFile, ValueError):
        return
    parts = archive.infolist()
    if len(parts) > MAX_ARCHIVE_MEMBERS:
        raise ImportFileError(
            _("Ce classeur contient trop de parties (%(count)s ; %(max)s au plus) : il n'est pas importé.")
            % {"count": fr_number(len(parts)), "max": fr_number(MAX_ARCHIVE_MEMBERS)}
        )
    if sum(part.file_size for part in parts) > MAX_UNCOMPRESSED_BYTES:
        raise ImportFileError(
            _("Ce classeur dépasse %(max)s Mo une fois décompressé : il n'est pas importé.")
            % {"max": MAX_UNCOMPRESSED_BYTES // (1024 * 1024)}
        )
    rows = tags = 0
    for part in parts:
        part_tags, part_rows = _count(archive, part)
        tags += part_tags
        rows += part_rows
    if rows - 1 > MAX_IMPORT_ROWS + EMPTY_ROWS_TOLERATED:
        raise ImportFileError(too_many_rows_message())
    if tags > MAX_XML_TAGS:
        raise ImportFileError(
            _(
                "Ce classeur contient trop d'éléments (%(count)s balises XML ; %(max)s au plus) : il n'est pas "
                "importé. Enregistrez-le de nouveau depuis votre tableur, ou découpez-le en plusieurs fichiers."
            )
            % {"count": fr_number(tags), "max": fr_number(MAX_XML_TAGS)}
        )


def _count(archive, part) -> tuple[int, int]:
    """How many XML tags (`<`: text and attributes hold it as `&lt;`), and how many rows
    (ROW_TAGS), in a part of the archive, read in chunks."""
    tags = rows = 0
    keep = max(len(tag) for tag in ROW_TAGS) - 1
    tail = b""
    with archive.open(part) as stream:
        while chunk := stream.read(1024 * 1024):
            tags += chunk.count(b"<")
            # The tail of the previous chunk (shorter than a tag) catches a tag cut in two.
            data = tail + chunk
            rows += sum(data.count(tag) for tag in ROW_TAGS) - sum(tail.count(tag) for tag in ROW_TAGS)
            tail = data[-keep:]
    return tags, rows


def decode_csv(data: bytes) -> str:
    """The text of a CSV file: UTF-8 (with or without BOM), else Windows-1252 (the encoding a
    French spreadsheet program uses, a superset of Latin-1 for printable text)."""
    for encoding in ("utf-8-sig", "cp1252"):
        try:
            return data.decode(encoding)
        except UnicodeDecodeError:
            continue
    raise ImportFileError(
        _(
            "Ce fichier n'est pas un fichier CSV lisible : son encodage n'est ni UTF-8, ni Windows-1252 "
            "(Latin-1). Enregistrez-le au format « CSV UTF-8 »."
        )
    )


def csv_delimiter(text: str) -> str:
    """Comma-separated as exported, or the semicolons a spreadsheet program set up in French uses."""
    header = text.split("\n", 1)[0]
    return ";" if ";" in header and "," not in header else ","


# The longest cell a CSV import takes (the csv module's default limit).
MAX_CSV_CELL = 128 * 1024


def cell_too_long_message(line: int) -> str:
    return _(
        "Une cellule de ce fichier CSV est trop longue vers la ligne %(line)s : %(max)s Ko au plus "
        "par cellule. Rien n'a été importé."
    ) % {"line": line, "max": MAX_CSV_CELL // 1024}


def check_csv(text: str) -> None:
    """Read the CSV strictly once before it is loaded: an unterminated quote is an error (the
    lenient reader would swallow the rest of the file into one cell), and so are a cell over
    MAX_CSV_CELL and a file of too many rows."""
    reader = csv.reader(io.StringIO(text), delimiter=csv_delimiter(text), strict=True)
    rows = 0
    try:
        for row in reader:
            # Checked here, not left to the csv module's own limit: that one is a setting of
            # the whole process, which a library may raise.
            if any(len(cell) > MAX_CSV_CELL for cell in row):
                raise ImportFileError(cell_too_long_message(reader.line_num))
            rows += bool(row)
    except csv.Error as error:
        if "field larger than field limit" in str(error):
            raise ImportFileError(cell_too_long_message(reader.line_num)) from None
        raise ImportFileError(
            _(
                "Ce fichier CSV est mal formé vers la ligne %(line)s : un guillemet (\") n'est pas refermé "
                "ou est suivi d'autre chose qu'un séparateur. Rien n'a été importé."
            )
            % {"line": reader.line_num}
        ) from None
    if rows - 1 > MAX_IMPORT_ROWS:
        raise ImportFileError(too_many_rows_message())

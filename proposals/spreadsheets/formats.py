"""The spreadsheet formats of the back office's imports and exports: CSV (comma or
semicolon, UTF-8 or Windows-1252), XLSX and ODS, each read once (by the import form)."""

import tablib
from import_export.formats import base_formats

from .imports import csv_delimiter, decode_csv


class ParsedOnce:
    """The import form parses the file once and keeps its rows (proposals/spreadsheets/imports.py): given
    those rows instead of a file, a format returns them as they are."""

    def create_dataset(self, in_stream, **kwargs):
        if isinstance(in_stream, tablib.Dataset):
            return in_stream
        return self.parse(in_stream, **kwargs)

    def parse(self, in_stream, **kwargs):
        return super().create_dataset(in_stream, **kwargs)


class ODS(ParsedOnce, base_formats.ODS):
    """An ODS file is a zip archive: read it as bytes. django-import-export 4.4 reads it as text
    and fails on every ODS import (fixed upstream by django-import-export PR #2176)."""

    def is_binary(self):
        return True

    def get_read_mode(self):
        return "rb"

    def parse(self, in_stream, **kwargs):
        return base_formats.TablibFormat.create_dataset(self, in_stream, **kwargs)


class XLSX(ParsedOnce, base_formats.XLSX):
    """Excel's workbook, for imports only: django-import-export exports native numbers and
    dates to base_formats.XLSX itself, not to a subclass."""


class CSV(ParsedOnce, base_formats.CSV):
    """Comma-separated, as exported; also reads the semicolon-separated CSV that a spreadsheet
    program set up in French saves, in UTF-8 or Windows-1252; strictly (see check_csv)."""

    def parse(self, in_stream, **kwargs):
        if isinstance(in_stream, bytes):
            in_stream = decode_csv(in_stream)
        kwargs.setdefault("delimiter", csv_delimiter(in_stream))
        kwargs.setdefault("strict", True)
        return super().parse(in_stream, **kwargs)


# The formats the back office exports, and imports (in the same order: the form gives an index).
FORMATS = [CSV, base_formats.XLSX, ODS]
IMPORT_FORMATS = [CSV, XLSX, ODS]

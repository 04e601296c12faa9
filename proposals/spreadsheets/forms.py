"""The import form of the back office's spreadsheets: it refuses, before any row is read, a file
that cannot be imported (the limits are in imports.py)."""

from django.utils.translation import gettext_lazy as _
from import_export.forms import ImportForm

from core.numbers import fr_number

from .imports import (
    MAX_IMPORT_BYTES,
    MAX_IMPORT_ROWS,
    ImportFileError,
    check_archive,
    check_csv,
    decode_csv,
    too_many_rows_message,
)


class SpreadsheetImportForm(ImportForm):
    """The import form, which also refuses files that cannot be imported before any row is read:
    too big (bytes, rows, or once uncompressed), not a spreadsheet of the chosen format, empty,
    or without the expected columns. The limits are in imports.py."""

    def __init__(self, formats, resources, **kwargs):
        super().__init__(formats, resources, **kwargs)
        self.import_formats = formats
        self.import_resources = resources
        self.fields["import_file"].help_text = _(
            "CSV (UTF-8 ou Windows-1252), XLSX ou ODS, %(bytes)s Mo et %(rows)s lignes au plus, "
            "avec les colonnes d'un export ou du modèle."
        ) % {"bytes": MAX_IMPORT_BYTES // (1024 * 1024), "rows": fr_number(MAX_IMPORT_ROWS)}

    def clean(self):
        cleaned = super().clean()
        upload = cleaned.get("import_file")
        format_index = cleaned.get("format")
        if not upload or format_index in (None, ""):
            return cleaned
        if upload.size > MAX_IMPORT_BYTES:
            self.add_error("import_file", _("Fichier trop volumineux : 2 Mo au plus."))
            return cleaned
        input_format = self.import_formats[int(format_index)]()
        data = b"".join(upload.chunks())
        try:
            # What can be checked without parsing the spreadsheet, then the parsing itself.
            if input_format.is_binary():
                check_archive(data)
            else:
                check_csv(decode_csv(data))
            dataset = input_format.create_dataset(data)
        except ImportFileError as exc:
            self.add_error("import_file", str(exc))
            return cleaned
        except Exception:  # noqa: BLE001 - each spreadsheet parser raises its own exceptions
            self.add_error(
                "import_file",
                _("Ce fichier n'est pas un fichier %(format)s lisible. Vérifiez le format choisi.")
                % {"format": input_format.get_title().upper()},
            )
            return cleaned
        upload.dataset = dataset  # what the preview reads, then the confirmation (no second parsing)
        if not dataset.headers or len(dataset) == 0:
            self.add_error("import_file", _("Le fichier ne contient aucune ligne à importer."))
            return cleaned
        if len(dataset) > MAX_IMPORT_ROWS:
            self.add_error("import_file", too_many_rows_message())
            return cleaned
        resource_class = self.import_resources[int(cleaned.get("resource") or 0)]
        missing = resource_class().missing_columns(dataset.headers)
        if missing:
            self.add_error(
                "import_file",
                _("Colonnes manquantes : %(columns)s. Partez d'un export ou du modèle pour avoir les bonnes colonnes.")
                % {"columns": ", ".join(missing)},
            )
        return cleaned

"""The back office's spreadsheets: import and export in CSV, XLSX and ODS for a model's admin
(`SpreadsheetAdmin`), the previewed rows kept on the server until confirmed, and the «modèle»."""

from django.contrib.auth import get_permission_codename
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponse
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils import timezone
from django.utils.decorators import method_decorator
from django.utils.text import slugify
from django.utils.translation import gettext
from django.views.decorators.http import require_POST
from import_export.admin import ImportExportMixin
from import_export.forms import ExportForm

from core.admin import HistoryAdmin

from .formats import FORMATS, IMPORT_FORMATS
from .forms import SpreadsheetImportForm
from .imports import PREVIEW_ROWS, PendingImportStorage, remember_pending_import, take_pending_import


class SpreadsheetAdmin(ImportExportMixin, HistoryAdmin):
    """Import and export in CSV, XLSX and ODS, with the history of every change.

    Import needs the model's add and change permissions (editors); export needs the view
    permission (clerks too). An import writes nothing unless every row is valid."""

    formats = FORMATS
    import_formats = IMPORT_FORMATS
    import_form_class = SpreadsheetImportForm
    # Every column, always: the file an export gives is the file an import takes.
    export_form_class = ExportForm

    # django-import-export 4.4 lets every staff member import and export unless the settings
    # IMPORT_EXPORT_*_PERMISSION_CODE are set: the model's own permissions decide here instead.
    def has_import_permission(self, request):
        opts = self.opts
        return all(
            request.user.has_perm(f"{opts.app_label}.{get_permission_codename(action, opts)}")
            for action in ("add", "change")
        )

    def has_export_permission(self, request):
        return self.has_view_or_change_permission(request)

    def get_import_data_kwargs(self, **kwargs):
        kwargs = super().get_import_data_kwargs(**kwargs)
        # The confirmed import runs again from the file: roll everything back on any invalid row.
        kwargs["rollback_on_validation_errors"] = True
        return kwargs

    def get_export_filename(self, request, queryset, file_format):
        # e.g. suivis-annuels-2025-12-15.xlsx
        name = slugify(str(self.opts.verbose_name_plural))
        return f"{name}-{timezone.localdate().isoformat()}.{file_format.get_extension()}"

    def add_data_read_fail_error_to_form(self, form, e):
        form.add_error("import_file", gettext("Ce fichier n'est pas lisible dans le format choisi."))

    # The confirmation trusts nothing the browser sends back: the previewed rows wait on the
    # server (PendingImportStorage), bound to the session, and are imported at most once.
    tmp_storage_class = PendingImportStorage

    def write_to_tmp_storage(self, import_file, input_format):
        """Keep the rows the import form parsed and checked (SpreadsheetImportForm), not the
        file: neither the preview nor the confirmation parses it again."""
        storage = self.get_tmp_storage_class()(**self.get_tmp_storage_class_kwargs())
        storage.save(import_file.dataset)
        return storage

    def import_action(self, request, **kwargs):
        response = super().import_action(request, **kwargs)
        # A preview that cannot be confirmed (rows in error) keeps no file waiting.
        context = getattr(response, "context_data", None) or {}
        upload = getattr(context.get("form"), "cleaned_data", {}).get("import_file")
        if not context.get("confirm_form") and hasattr(upload, "tmp_storage_name"):
            PendingImportStorage(name=upload.tmp_storage_name).remove()
        return response

    def get_import_context_data(self, **kwargs):
        info = self.get_model_info()
        return {
            **super().get_import_context_data(**kwargs),
            "preview_rows": PREVIEW_ROWS,
            "preview_slice": f":{PREVIEW_ROWS}",
            "template_links": [
                (ext.upper(), reverse("admin:{}_{}_import_template".format(*info), args=[ext]))
                for ext in self._import_formats_by_extension()
            ],
        }

    # The «modèle»: the columns of an import and one example row, to start from.

    def _import_formats_by_extension(self):
        return {fmt().get_extension(): fmt for fmt in self.get_import_formats()}

    def get_urls(self):
        info = self.get_model_info()
        return [
            path(
                "import/modele.<str:extension>",
                self.admin_site.admin_view(self.import_template_view),
                name="{}_{}_import_template".format(*info),
            ),
            *super().get_urls(),
        ]

    def import_template_view(self, request, extension):
        if not self.has_import_permission(request):
            raise PermissionDenied
        file_format = self._import_formats_by_extension().get(extension)
        if file_format is None:
            raise Http404
        file_format = file_format()
        resource = self.get_import_resource_classes(request)[0]()
        response = HttpResponse(
            file_format.export_data(resource.example_dataset()), content_type=file_format.get_content_type()
        )
        name = slugify(gettext("modèle %(name)s") % {"name": self.opts.verbose_name_plural})
        response["Content-Disposition"] = f'attachment; filename="{name}.{extension}"'
        return response

    def get_confirm_form_initial(self, request, import_form):
        initial = super().get_confirm_form_initial(request, import_form)
        if import_form is not None:
            remember_pending_import(request, self.opts.label_lower, initial)
        return initial

    @method_decorator(require_POST)
    def process_import(self, request, **kwargs):
        if not self.has_import_permission(request):
            raise PermissionDenied
        pending = take_pending_import(request, self.opts.label_lower, request.POST)
        if pending is None:
            context = {
                **self.admin_site.each_context(request),
                "title": gettext("Import expiré ou déjà traité"),
                "opts": self.opts,
            }
            return TemplateResponse(request, "admin/import_export/import_expired.html", context, status=410)
        # The form the import runs with is rebuilt from the session, not from the request.
        form_class = self.get_confirm_form_class(request)
        confirm_form = form_class(data={name: pending[name] for name in form_class.base_fields})
        confirm_form.full_clean()
        result = self.process_dataset(pending["dataset"], confirm_form, request, **kwargs)
        return self.process_result(result, request)

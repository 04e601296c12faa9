"""Helpers for the back-office tests: spreadsheets built in the test, the admin import steps."""

import tablib
from django.core.files.uploadedfile import SimpleUploadedFile
from django.forms import MultiWidget
from django.urls import reverse

# The order of SpreadsheetAdmin.formats.
FORMAT_INDEX = {"csv": "0", "xlsx": "1", "ods": "2"}

STATUS_HEADERS = [
    "cle_proposition",
    "annee",
    "statut",
    "explication",
    "source_libelle",
    "source_url",
    "source_reference",
    "source_date",
]


def spreadsheet(headers, rows, fmt: str) -> bytes:
    dataset = tablib.Dataset(*rows, headers=headers)
    data = dataset.export(fmt)
    return data.encode("utf-8") if isinstance(data, str) else data


def upload(client, model: str, content: bytes, fmt: str, name: str | None = None):
    """The first import step (the preview): returns the response."""
    url = reverse(f"admin:proposals_{model}_import")
    file = SimpleUploadedFile(name or f"import.{fmt}", content)
    return client.post(url, {"import_file": file, "format": FORMAT_INDEX[fmt], "resource": "0"})


def confirm(client, model: str, preview):
    """The second step: confirm the previewed import."""
    form = preview.context["confirm_form"]
    data = {name: form.initial.get(name, "") for name in form.fields}
    return client.post(reverse(f"admin:proposals_{model}_process_import"), data)


def import_and_confirm(client, model: str, content: bytes, fmt: str):
    preview = upload(client, model, content, fmt)
    assert preview.status_code == 200
    assert preview.context.get("confirm_form") is not None, _errors(preview)
    return confirm(client, model, preview)


def export(client, model: str, fmt: str) -> bytes:
    url = reverse(f"admin:proposals_{model}_export")
    response = client.post(url, {"format": FORMAT_INDEX[fmt], "resource": "0"})
    assert response.status_code == 200, response.content[:500]
    assert response["Content-Disposition"].startswith("attachment")
    return response.content


def _errors(response) -> str:
    context = response.context
    messages = []
    if context.get("form") is not None:
        messages.append(str(context["form"].errors))
    result = context.get("result")
    if result is not None:
        messages += [str(e.error) for e in result.base_errors]
        messages += [f"{n}: {e.error}" for n, errors in result.row_errors() for e in errors]
        messages += [f"{row.number}: {row.error_dict}" for row in result.invalid_rows]
    return "\n".join(messages)


def import_errors(response) -> str:
    return _errors(response)


def form_data(response) -> dict:
    """What a browser posts back, unchanged, from the admin add or change page in `response`
    (the form and every inline formset, management forms included)."""
    data = {}

    def add(form):
        for name, field in form.fields.items():
            bound = form[name]
            value = bound.value()
            widget = field.widget
            if isinstance(widget, MultiWidget):
                parts = widget.decompress(value) if not isinstance(value, list) else value
                for i, (sub, part) in enumerate(zip(widget.widgets, parts, strict=True)):
                    data[f"{bound.html_name}_{i}"] = sub.format_value(part) or ""
            elif value is None or value is False:
                continue
            elif value is True:
                data[bound.html_name] = "on"
            elif isinstance(value, (list, tuple)):
                data[bound.html_name] = [str(item) for item in value]
            else:
                data[bound.html_name] = str(value)

    add(response.context["adminform"].form)
    for inline in response.context.get("inline_admin_formsets", []):
        add(inline.formset.management_form)
        for form in inline.formset.forms:
            add(form)
    return data

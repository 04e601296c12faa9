"""The back office of published records and of the rows their years lock: one for every kind
of record (the review's admin and the committee's are two uses of it)."""

from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.decorators import method_decorator
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_POST

from .models import PUBLICATION_FIELDS
from .services import PublicationError, open_correction
from .workflow import latest_publication, publication_request

# The progress page reloads itself this often while a publication is under way (no JavaScript).
PROGRESS_REFRESH_SECONDS = 2


class PublishedRecordAdmin:
    """The back office of a `PublishedRecord`: the change page lists the versions and offers
    «Publier» (a confirmation page, then the publication, queued for the worker, and its
    progress page) and «Ouvrir un rectificatif».
    Mixed before the model admin. Its wording: the messages below (with `%(year)s` and
    `%(number)s`) and the blocks of `admin/publishing/change_form.html` and
    `publish_confirm.html`, which each record's templates fill."""

    change_form_template = "admin/publishing/change_form.html"
    publish_confirm_template = "admin/publishing/publish_confirm.html"
    publish_progress_template = "admin/publishing/publish_progress.html"
    shown_fields = []  # read-only fields the admin computes (e.g. links)
    publish_title = ""
    correction_publish_title = ""
    published_message = ""
    correction_published_message = ""
    correction_opened_message = ""

    @property
    def publish_permission(self) -> str:
        return f"{self.opts.app_label}.publish_{self.opts.model_name}"

    def get_readonly_fields(self, request, obj=None):
        # A published record is read-only for everyone until a rectificatif is open, and its
        # year never changes; it is published with «Publier», which also fills `published_at`.
        locked = obj is not None and obj.is_locked
        if locked or not request.user.has_perm(f"{self.opts.app_label}.add_{self.opts.model_name}"):
            return [*self.model.record_fields, *PUBLICATION_FIELDS, *self.shown_fields]
        if obj is not None and obj.is_published:
            return ["year", *PUBLICATION_FIELDS, *self.shown_fields]
        return [*PUBLICATION_FIELDS, *self.shown_fields]

    def get_queryset(self, request):
        return super().get_queryset(request).with_publication()

    def has_delete_permission(self, request, obj=None):
        return not (obj is not None and obj.is_published) and super().has_delete_permission(request, obj)

    @admin.display(description=_("publié"), boolean=True, ordering="published_at")
    def is_published(self, record):
        return record.is_published

    def save_model(self, request, obj, form, change):
        """Write only the fields the form changed. The model's clean took the row's lock in this
        transaction (a publication in progress was waited for, a locked record refused), and
        what the form does not edit (publication date, rectificatif) is read again under it: a
        save never writes back what a publication has just set."""
        if not change:
            return super().save_model(request, obj, form, change)
        editable = {field.name for field in obj._meta.concrete_fields if field.name in form.fields}
        obj.refresh_from_db(
            fields=[
                field.attname
                for field in obj._meta.concrete_fields
                if field.name not in editable and not field.primary_key
            ]
        )
        obj._history_user = request.user
        changed = [name for name in form.changed_data if name in editable]
        if changed:
            obj.save(update_fields=changed)

    def change_view(self, request, object_id, form_url="", extra_context=None):
        record = self.get_object(request, object_id)
        extra_context = {
            **(extra_context or {}),
            "can_publish": request.user.has_perm(self.publish_permission),
            "versions": record.versions.order_by("-number") if record else [],
            "publication": latest_publication(record) if record else None,
        }
        return super().change_view(request, object_id, form_url, extra_context=extra_context)

    def get_urls(self):
        prefix = f"{self.opts.app_label}_{self.opts.model_name}"
        return [
            path("<int:object_id>/publier/", self.admin_site.admin_view(self.publish_view), name=f"{prefix}_publish"),
            path(
                "<int:object_id>/publication/",
                self.admin_site.admin_view(self.progress_view),
                name=f"{prefix}_publication",
            ),
            path(
                "<int:object_id>/rectifier/",
                self.admin_site.admin_view(self.correction_view),
                name=f"{prefix}_correct",
            ),
            *super().get_urls(),
        ]

    def _url(self, name: str, record) -> str:
        return reverse(f"admin:{self.opts.app_label}_{self.opts.model_name}_{name}", args=[record.pk])

    def publish_view(self, request, object_id):
        """POST from the «Publier» button shows a confirmation; POST with `confirm` queues the
        publication (the record, or its open rectificatif) and answers with its progress page.
        A publication already under way is shown rather than started again. Any other method
        (reloading the confirmation page) goes back to the record."""
        if not request.user.has_perm(self.publish_permission):
            raise PermissionDenied
        record = get_object_or_404(self.model, pk=object_id)
        change_url = self._url("change", record)
        if request.method != "POST":
            return redirect(change_url)
        form = self.publish_form(record, request.POST if "confirm" in request.POST else None)
        if "confirm" in request.POST and (form is None or form.is_valid()):
            try:
                publication_request(record, user=request.user)
            except PublicationError as error:
                self.message_user(request, str(error), messages.ERROR)
                return redirect(change_url)
            return redirect(self._url("publication", record))
        publication = latest_publication(record)
        if publication is not None and publication.is_under_way:
            return redirect(self._url("publication", record))
        if record.is_locked:
            self.message_user(request, record.already_published_message % {"year": record.year}, messages.WARNING)
            return redirect(change_url)
        title = self.correction_publish_title if record.correction_is_open else self.publish_title
        context = {
            **self.admin_site.each_context(request),
            "title": title % {"year": record.year},
            "opts": self.opts,
            "record": record,
            "number": record.next_version_number(),
            "change_url": change_url,
            "publish_form": form,
        }
        return TemplateResponse(request, self.publish_confirm_template, context)

    def publish_form(self, record, data):
        """The confirmation's own questions (a form of the record's app, bound to `data` when
        confirmed), or None: the publication waits until it is valid."""
        return None

    def progress_view(self, request, object_id):
        """The progress of the record's latest publication: its steps, a bar and what remains,
        reloading itself while under way; the reason of a failure, with «Relancer»."""
        if not request.user.has_perm(self.publish_permission):
            raise PermissionDenied
        record = get_object_or_404(self.model, pk=object_id)
        publication = latest_publication(record)
        if publication is None:
            return redirect(self._url("change", record))
        done_message = self.correction_published_message if publication.number > 1 else self.published_message
        context = {
            **self.admin_site.each_context(request),
            "title": gettext("Publication : %(record)s") % {"record": record},
            "opts": self.opts,
            "record": record,
            "publication": publication,
            "done_message": done_message % {"year": publication.year, "number": publication.number},
            "refresh_seconds": PROGRESS_REFRESH_SECONDS
            if publication.is_under_way or publication.state == publication.State.PUBLISHED
            else None,
            "change_url": self._url("change", record),
            "publish_url": self._url("publish", record),
        }
        return TemplateResponse(request, self.publish_progress_template, context)

    @method_decorator(require_POST)
    def correction_view(self, request, object_id):
        """«Ouvrir un rectificatif»: the reason is given; the year's rows may then be corrected."""
        if not request.user.has_perm(self.publish_permission):
            raise PermissionDenied
        record = get_object_or_404(self.model, pk=object_id)
        try:
            open_correction(record, reason=request.POST.get("reason", ""), user=request.user)
        except PublicationError as error:
            self.message_user(request, str(error), messages.ERROR)
        else:
            self.message_user(request, self.correction_opened_message % {"year": record.year}, messages.SUCCESS)
        return redirect(reverse(f"admin:{self.opts.app_label}_{self.opts.model_name}_change", args=[record.pk]))


class YearLockedRowAdmin:
    """The back office of a `YearLockedRow`: read-only, with the reason said, while its year is
    locked (the model refuses the rest on every path). Mixed before the model admin."""

    def has_change_permission(self, request, obj=None):
        return super().has_change_permission(request, obj) and not (obj and obj.locked_year())

    def has_delete_permission(self, request, obj=None):
        return super().has_delete_permission(request, obj) and not (obj and obj.locked_year())

    def render_change_form(self, request, context, add=False, change=False, form_url="", obj=None):
        message = obj.lock_message() if obj is not None else ""
        if message:
            self.message_user(request, message, messages.WARNING)
        return super().render_change_form(request, context, add, change, form_url, obj)

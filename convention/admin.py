"""What every back-office section shares."""

from django.urls import path


class ReadOnlyAdminMixin:
    """A list to look records up, and their history: nobody adds, changes or deletes them here."""

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


class PublishedRecordAdminMixin:
    """The back office of something published as numbered, frozen versions (a review, the
    committee's year): the change page lists the versions and offers «Publier» and «Ouvrir un
    rectificatif»; `publish_view` and `correction_view` are the model admin's own."""

    publish_permission = ""  # "app.codename"

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
        }
        return super().change_view(request, object_id, form_url, extra_context=extra_context)

    def get_urls(self):
        prefix = f"{self.opts.app_label}_{self.opts.model_name}"
        return [
            path("<int:object_id>/publier/", self.admin_site.admin_view(self.publish_view), name=f"{prefix}_publish"),
            path(
                "<int:object_id>/rectifier/",
                self.admin_site.admin_view(self.correction_view),
                name=f"{prefix}_correct",
            ),
            *super().get_urls(),
        ]

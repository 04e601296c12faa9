"""What every back-office section shares."""

from django.utils.decorators import method_decorator
from django.views.decorators.http import require_safe
from simple_history.admin import SimpleHistoryAdmin


class HistoryAdmin(SimpleHistoryAdmin):
    """Every section's «Historique»: who changed what, when, before and after; read-only for
    everyone, superusers included.

    django-simple-history's «Rétablir» would save an earlier state through the model's form
    alone: no inline (the source rule), no year lock on related rows, and only the view
    permission checked. Nobody needs it (every save is already a change anyone may redo on
    the change page), so its button is gone and its POST answers 405."""

    def revert_disabled(self, request, obj=None):
        return True

    @method_decorator(require_safe)
    def history_form_view(self, request, object_id, version_id, extra_context=None):
        return super().history_form_view(request, object_id, version_id, extra_context)


class ReadOnlyAdminMixin:
    """A list to look records up, and their history: nobody adds, changes or deletes them here."""

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

"""What every back-office section shares."""


class ReadOnlyAdminMixin:
    """A list to look records up, and their history: nobody adds, changes or deletes them here."""

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

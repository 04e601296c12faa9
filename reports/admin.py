from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from .models import AnnualReview, Deliberation


class DeliberationInline(admin.TabularInline):
    model = Deliberation
    extra = 0


@admin.register(AnnualReview)
class AnnualReviewAdmin(SimpleHistoryAdmin):
    list_display = ["year", "situation_date", "is_final", "published_at"]
    list_filter = ["is_final"]
    inlines = [DeliberationInline]

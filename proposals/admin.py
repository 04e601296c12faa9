from django.contrib import admin
from django.utils.translation import gettext_lazy as _
from simple_history.admin import SimpleHistoryAdmin

from .models import Axis, KeyFigure, Project, Proposal, Source, YearlyStatus


@admin.register(Axis)
class AxisAdmin(SimpleHistoryAdmin):
    list_display = ["name", "slug", "order"]
    prepopulated_fields = {"slug": ["name"]}


class YearlyStatusInline(admin.TabularInline):
    model = YearlyStatus
    extra = 0
    fields = ["year", "status", "explanation"]
    show_change_link = True


@admin.register(Proposal)
class ProposalAdmin(SimpleHistoryAdmin):
    list_display = ["key", "number", "display_title", "axis", "lead"]
    list_filter = ["axis", "lead"]
    search_fields = ["key", "title", "summary", "text"]
    list_select_related = ["axis"]
    inlines = [YearlyStatusInline]

    @admin.display(description=_("intitulé"), ordering="title")
    def display_title(self, proposal):
        return proposal.display_title


class SourceInline(admin.TabularInline):
    model = Source
    extra = 1


@admin.register(YearlyStatus)
class YearlyStatusAdmin(SimpleHistoryAdmin):
    list_display = ["proposal", "year", "status"]
    list_filter = ["year", "status", "proposal__axis"]
    search_fields = ["proposal__key", "proposal__title", "explanation"]
    list_select_related = ["proposal"]
    raw_id_fields = ["proposal"]
    inlines = [SourceInline]


class KeyFigureInline(admin.TabularInline):
    model = KeyFigure
    extra = 0


@admin.register(Project)
class ProjectAdmin(SimpleHistoryAdmin):
    list_display = ["title", "slug", "lead", "state", "start_year"]
    list_filter = ["state", "lead"]
    search_fields = ["title", "summary", "focus"]
    prepopulated_fields = {"slug": ["title"]}
    filter_horizontal = ["proposals"]
    inlines = [KeyFigureInline]

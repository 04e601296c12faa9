"""The cells of the back office's spreadsheets: how a column reads and writes a value (a key,
a list of keys, a status by its label, a French date or integer, a cleaned text), each with a
French error for the row it refuses."""

import datetime
import re
import unicodedata

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from import_export import widgets

from ..models import Axis, Institution
from ..search import normalize
from .cells import unneutralise


class KeyForeignKeyWidget(widgets.ForeignKeyWidget):
    """A foreign key given by a stable key, with a French error when it is unknown."""

    def __init__(self, model, field, message):
        super().__init__(model, field=field)
        self.message = message

    def clean(self, value, row=None, **kwargs):
        try:
            return super().clean(value, row=row, **kwargs)
        except self.model.DoesNotExist:
            raise ValueError(self.message % {"value": value}) from None


# Every list column (a proposal's institutions, a project's proposals) takes its items separated
# by «;» or «,», as a spreadsheet program set up in French or in English writes lists; the
# exports write «;».
LIST_SEPARATOR = ";"
LIST_SEPARATORS = re.compile(r"[;,]")


def list_items(value) -> list[str]:
    """The items of a list cell, whichever separator it uses: «a; b», «a,b»."""
    return [item.strip() for item in LIST_SEPARATORS.split(str(value or "")) if item.strip()]


def unknown_items_message(kind: str, unknown: list[str], known: list[str]) -> str:
    """«Proposition inconnue : ccc-999.» with what the column accepts."""
    return _("%(kind)s : %(items)s. Valeurs possibles, séparées par « ; » ou « , » : %(known)s.") % {
        "kind": kind,
        "items": ", ".join(f"« {item} »" for item in unknown),
        "known": ", ".join(known[:20]) + (" …" if len(known) > 20 else "") if known else "—",
    }


class KeysManyToManyWidget(widgets.ManyToManyWidget):
    """Proposal keys separated by «;» or «,»; an unknown key is an error, not silently dropped."""

    def __init__(self, model, field):
        super().__init__(model, field=field, separator=LIST_SEPARATOR)

    def clean(self, value, row=None, **kwargs):
        keys = list_items(value)
        if not keys:
            return self.model.objects.none()
        found = self.model.objects.filter(**{f"{self.field}__in": keys})
        unknown = [key for key in dict.fromkeys(keys) if key not in {getattr(obj, self.field) for obj in found}]
        if unknown:
            known = list(self.model.objects.order_by(self.field).values_list(self.field, flat=True))
            kind = _("Proposition inconnue") if len(unknown) == 1 else _("Propositions inconnues")
            raise ValueError(unknown_items_message(kind, unknown, known))
        return found


def comparable(text) -> str:
    """A value as a person may type it: any case, with or without accents or ligatures, extra
    spaces or a typographic apostrophe."""
    text = str(text).casefold().replace("œ", "oe").replace("æ", "ae").replace("’", "'")
    text = "".join(char for char in unicodedata.normalize("NFKD", text) if not unicodedata.combining(char))
    return " ".join(text.split())


class ChoiceWidget(widgets.CharWidget):
    """A code among `choices`, given by its code (what the export writes) or by the label the
    admin shows; a French error lists both."""

    def __init__(self, choices, message, allow_blank=False):
        super().__init__(allow_blank=True)
        self.choices = choices
        self.message = message
        self.allow_empty = allow_blank

    def label(self, code) -> str:
        """The label of `code` («underway» → «En cours»), or the cell as it is."""
        labels = dict(self.choices.choices)
        return str(labels.get(code, code))

    def accepted(self) -> dict[str, str]:
        """What a cell may say → the code it means."""
        accepted = {}
        for code, label in self.choices.choices:
            accepted[comparable(label)] = code
            accepted[comparable(code)] = code
        return accepted

    def clean(self, value, row=None, **kwargs):
        text = super().clean(value, row=row, **kwargs).strip()
        if text == "" and self.allow_empty:
            return text
        try:
            return self.accepted()[comparable(text)]
        except KeyError:
            choices = ", ".join(f"{code} ({label})" for code, label in self.choices.choices)
            raise ValueError(self.message % {"value": text, "codes": choices}) from None


class AxisWidget(KeyForeignKeyWidget):
    """An axis given by its identifier (what the export writes) or by its name."""

    def __init__(self):
        super().__init__(
            Axis, "slug", gettext_lazy("Axe inconnu « %(value)s ». Valeurs possibles (identifiant ou nom) : %(codes)s.")
        )

    def clean(self, value, row=None, **kwargs):
        if value in (None, ""):
            return None
        axes = list(Axis.objects.all())
        wanted = comparable(value)
        for axis in axes:
            if wanted in (comparable(axis.slug), comparable(axis.name)):
                return axis
        choices = ", ".join(f"{axis.slug} ({axis.name})" for axis in axes)
        raise ValueError(self.message % {"value": value, "codes": choices or "—"})


class FrenchDateWidget(widgets.DateWidget):
    """A date as a clerk types it in a French spreadsheet («30/06/2021»), as the export writes
    it («2021-06-30»), or a date cell of a workbook; written back as «2021-06-30»."""

    INPUT_FORMATS = ["%d/%m/%Y", "%Y-%m-%d", "%d-%m-%Y", "%d.%m.%Y", "%d/%m/%y"]

    def __init__(self):
        super().__init__(format="%Y-%m-%d")

    def clean(self, value, row=None, **kwargs):
        if isinstance(value, datetime.datetime):  # a workbook's date cell
            return value.date()
        if isinstance(value, datetime.date) or value in (None, ""):
            return value or None
        text = str(value).strip()
        # A date cell read as text may carry a midnight time: «2021-06-30 00:00:00».
        text = re.sub(r"[ T]00:00(:00)?$", "", text)
        for date_format in self.INPUT_FORMATS:
            try:
                return datetime.datetime.strptime(text, date_format).date()
            except ValueError:
                continue
        raise ValueError(
            _("Date invalide « %(value)s » : écrivez-la JJ/MM/AAAA (30/06/2021) ou AAAA-MM-JJ (2021-06-30).")
            % {"value": value}
        )


class FrenchIntegerWidget(widgets.IntegerWidget):
    def clean(self, value, row=None, **kwargs):
        try:
            return super().clean(value, row=row, **kwargs)
        except (ValueError, ArithmeticError):
            raise ValueError(_("Nombre entier attendu, pas « %(value)s ».") % {"value": value}) from None


class TextWidget(widgets.CharWidget):
    """A text, with the apostrophe the export put before a formula-like text taken off again."""

    def __init__(self):
        super().__init__(allow_blank=True)

    def clean(self, value, row=None, **kwargs):
        return unneutralise(super().clean(value, row=row, **kwargs))


def institutions_named(value) -> list[Institution]:
    """The institutions `value` names, separated by «;» or «,», each by its code or its name
    (accents and case aside); a French error listing the codes when one is unknown."""
    wanted = list_items(value)
    institutions = list(Institution.objects.all())
    known = {normalize(institution.name): institution for institution in institutions}
    known |= {institution.code: institution for institution in institutions}
    unknown = [part for part in wanted if part not in known and normalize(part) not in known]
    if unknown:
        raise ValueError(
            _("Porteur inconnu « %(value)s » (codes possibles : %(codes)s).")
            % {"value": " ; ".join(unknown), "codes": ", ".join(i.code for i in institutions) or "—"}
        )
    return list(dict.fromkeys(known.get(part) or known[normalize(part)] for part in wanted))


class InstitutionsWidget(widgets.ManyToManyWidget):
    """A proposal's institutions, by code or name, separated by «;» or «,»; the export writes the codes."""

    def __init__(self):
        super().__init__(Institution, field="code", separator=LIST_SEPARATOR)

    def clean(self, value, row=None, **kwargs):
        return institutions_named(value)


class InstitutionWidget(widgets.ForeignKeyWidget):
    """A project's institution (one, or none), by code or name; the export writes the code."""

    def __init__(self):
        super().__init__(Institution, field="code")

    def clean(self, value, row=None, **kwargs):
        found = institutions_named(value)
        if len(found) > 1:
            # A project is one piece of work, led by one institution; the proposals it carries
            # out keep all their institutions (the column «porteur» of the proposals).
            raise ValueError(
                _(
                    "Un projet a un seul porteur, l'institution qui le conduit : « %(value)s » en nomme "
                    "%(count)s. Gardez-en un ; les propositions du projet gardent, elles, tous leurs porteurs."
                )
                % {"value": value, "count": len(found)}
            )
        return found[0] if found else None

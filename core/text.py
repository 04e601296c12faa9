"""Texts without control characters.

A copy from a word processor brings invisible control characters (Word's line break is a
vertical tab, `\\x0b`; a bell `\\x07` hides in old documents): XML 1.0 (the feed) cannot carry
them, openpyxl refuses them in a spreadsheet cell, PostgreSQL refuses NUL. So they are refused
at the door, with a French message, on every model (`CleanTextModel.clean_fields`: forms, the
admin, imports) and in every import cell; and every output drops them (`printable`), for a row
that holds one already. Tab and line breaks are kept in multi-line texts (TextField) only.
"""

import re

from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _

# C0 controls except tab, line feed and carriage return; DEL; C1 controls.
CONTROL_CHARACTERS = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")
# And, in a one-line text, tab and line breaks too.
LINE_CONTROL_CHARACTERS = re.compile(r"[\x00-\x1f\x7f-\x9f]")

CONTROL_CHARACTER_MESSAGE = _(
    "Ce texte contient un caractère de contrôle invisible (code %(code)s), souvent collé depuis un "
    "traitement de texte : retirez-le."
)
LINE_BREAK_MESSAGE = _("Ce texte tient sur une ligne : retirez la tabulation ou le saut de ligne (code %(code)s).")


# The controls that break a line (Word's line break, a form feed, NEL): read as a line feed.
LINE_BREAK_CONTROLS = re.compile(r"[\x0b\x0c\x85]")


def printable(value):
    """`value` without the control characters no document or feed can carry (other values as they are)."""
    if isinstance(value, str):
        return CONTROL_CHARACTERS.sub("", value)
    return value


def cleaned(value):
    """`value` as a reader should see it: a control that breaks a line turned into a line
    feed, the others dropped (other values as they are)."""
    if isinstance(value, str):
        return printable(LINE_BREAK_CONTROLS.sub("\n", value))
    return value


def check_text(value, *, multiline: bool = True) -> None:
    """Raise a ValidationError (in French) when the text `value` holds a control character:
    any but tab and line breaks when `multiline`, any at all otherwise."""
    if not isinstance(value, str):
        return
    match = (CONTROL_CHARACTERS if multiline else LINE_CONTROL_CHARACTERS).search(value)
    if match is None:
        return
    code = ord(match.group())
    message = CONTROL_CHARACTER_MESSAGE if CONTROL_CHARACTERS.match(match.group()) else LINE_BREAK_MESSAGE
    raise ValidationError(message % {"code": code}, code="control_character")


class CleanTextModel(models.Model):
    """A model whose texts hold no control character: checked with the other field rules, so
    every form, admin page and import refuses one, naming the field."""

    class Meta:
        abstract = True

    def clean_fields(self, exclude=None):
        errors = {}
        try:
            super().clean_fields(exclude=exclude)
        except ValidationError as error:
            errors = error.update_error_dict(errors)
        for field in self._meta.concrete_fields:
            if not isinstance(field, models.CharField | models.TextField) or field.name in (exclude or ()):
                continue
            try:
                check_text(getattr(self, field.attname), multiline=isinstance(field, models.TextField))
            except ValidationError as error:
                errors.setdefault(field.name, []).extend(error.error_list)
        if errors:
            raise ValidationError(errors)


class CleanOnReadTextField(models.TextField):
    """A text of a published record, read clean (`cleaned`): one stored before control
    characters were refused renders clean on every page, feed and document, while the stored
    row stays byte for byte what was published (a record is never rewritten).

    Its column is a plain text column: migrations see a TextField (`deconstruct`), so no
    migration rebuilds a table for it."""

    def from_db_value(self, value, expression, connection):
        return cleaned(value)

    def deconstruct(self):
        name, _path, args, kwargs = super().deconstruct()
        return name, "django.db.models.TextField", args, kwargs


ELLIPSIS = "…"
# Where a cut text may end: before a space, or after punctuation that closes a word.
_LAST_SPACE = re.compile(r"^(.*\S)\s", re.DOTALL)


def shortened(text: str, limit: int) -> str:
    """`text` whole when it holds in `limit` characters; otherwise cut at the last word boundary
    that leaves room for «…», without the trailing comma or space (a single word longer than the
    limit is cut all the same). The caller keeps the whole text where it belongs."""
    if len(text) <= limit:
        return text
    kept = text[: limit - len(ELLIPSIS)]
    if not text[len(kept)].isspace():
        match = _LAST_SPACE.match(kept)
        kept = match.group(1) if match else kept
    return kept.rstrip(" ,;:") + ELLIPSIS

"""One mailbox, one spelling: the form of an e-mail address the site stores, looks up and
limits, whatever way it was typed.

A mailbox can be written many ways that a mail server delivers to the same place: full-width
letters («ｅｘａｍｐｌｅ.org»), a domain in Unicode or in its ASCII (punycode) form, upper-case
letters, a local part in quotes («"lea"@…») or with backslash escapes. Each spelling would be
a new follower and a new confirmation message. The site keeps one form only:

- Unicode NFKC normalisation (full-width and compatibility letters become plain ones);
- the domain through IDNA to its ASCII form (what the SMTP server is given: Django sends to
  `punycode(domain)`, IDNA 2003), which is one form for «bücher.de» and «xn--bcher-kva.de»;
- lower case (one person, one follower: the site has always treated the local part as
  case-insensitive, as mail providers do);
- a plain local part: quotes and backslashes are refused (they only respell a plain address,
  or name a mailbox nobody uses), and so is a domain written as an IP address;
- no control or invisible character anywhere: none may reach a message's headers.

The result is ASCII only. `normalize_address` raises a ValidationError with a French message
when the address cannot be reduced to that form.
"""

import unicodedata

from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.utils.translation import gettext_lazy as _

MAX_LENGTH = 254

INVALID = _("Cette adresse électronique n'est pas valable : elle s'écrit nom@exemple.fr.")
TOO_LONG = _("Cette adresse est trop longue : 254 caractères au plus.")
CONTROL = _(
    "Cette adresse électronique n'est pas valable : elle contient un caractère de contrôle ou "
    "invisible. Retapez-la sous la forme nom@exemple.fr."
)
QUOTED = _(
    "Cette adresse électronique n'est pas acceptée : écrivez-la sans guillemets ni barre oblique "
    "inverse (\\), sous la forme nom@exemple.fr."
)

# Characters that are never part of an address: control characters (C0, DEL, C1), format
# characters (zero-width spaces, soft hyphen, bidirectional marks) and line or paragraph
# separators.
_FORBIDDEN_CATEGORIES = {"Cc", "Cf", "Zl", "Zp"}


def has_control_character(value: str) -> bool:
    return any(unicodedata.category(char) in _FORBIDDEN_CATEGORIES for char in value)


def _unquote(local: str) -> str:
    """The plain form of a quoted local part that only respells one («"l\\ea"» → «lea»);
    unchanged otherwise (then refused). For the rows stored before the rule."""
    if len(local) >= 2 and local.startswith('"') and local.endswith('"'):
        inner, chars, escaped = local[1:-1], [], False
        for char in inner:
            if escaped or char != "\\":
                chars.append(char)
                escaped = False
            else:
                escaped = True
        return "".join(chars)
    return local


def ascii_domain(domain: str) -> str:
    """The domain's ASCII form (IDNA), lower-cased; raises UnicodeError if it has none."""
    encoded = domain.lower().encode("idna").decode("ascii").lower()
    encoded.encode("ascii").decode("idna")  # an «xn--» label that is not valid punycode
    return encoded


def normalize_address(value: str, *, unquote: bool = False) -> str:
    """The one form of the address `value` (see the module's docstring), or a ValidationError
    in French. `unquote`: turn a quoted local part that only respells a plain one into it
    (the migration of the rows stored before this rule); otherwise quotes are refused."""
    value = (value or "").strip()
    if has_control_character(value):
        raise ValidationError(CONTROL, code="control")
    value = unicodedata.normalize("NFKC", value)
    if has_control_character(value):
        raise ValidationError(CONTROL, code="control")
    local, at, domain = value.rpartition("@")
    if not at or not local or not domain:
        raise ValidationError(INVALID, code="invalid")
    if unquote:
        local = _unquote(local)
    if '"' in local or "\\" in local:
        raise ValidationError(QUOTED, code="quoted")
    if domain.startswith("["):  # an IP address instead of a domain
        raise ValidationError(INVALID, code="invalid")
    local = local.lower()
    if len(local) + 1 + len(domain.lower()) > MAX_LENGTH:
        raise ValidationError(TOO_LONG, code="max_length")
    try:
        domain = ascii_domain(domain)
    except UnicodeError:
        raise ValidationError(INVALID, code="invalid") from None
    address = f"{local}@{domain}"
    if len(address) > MAX_LENGTH:
        raise ValidationError(TOO_LONG, code="max_length")
    if not address.isascii():
        raise ValidationError(INVALID, code="invalid")
    try:
        validate_email(address)
    except ValidationError:
        raise ValidationError(INVALID, code="invalid") from None
    return address


def display_address(address: str) -> str:
    """A stored address as its owner reads it: the domain in Unicode («bücher.de»)."""
    local, _at, domain = address.rpartition("@")
    try:
        return f"{local}@{domain.encode('ascii').decode('idna')}"
    except UnicodeError:
        return address

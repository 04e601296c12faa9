"""The accounts' test helpers: TOTP codes computed as an authenticator app does (RFC 6238, from
the device's secret; written here, not borrowed from django-otp, so the test checks it)."""

import hashlib
import hmac
import html
import struct
import time

from django.core import mail

from tests.follow.mailing import run_worker


def totp_code(key: bytes, *, at: float | None = None, step: int = 30, digits: int = 6) -> str:
    """The code an authenticator app shows at `at` (now by default) for the secret `key`. Now: not
    in a step's last 2 s, where the server would read it in the next step, accept it one step
    late, and move the device's clock (django-otp's drift) a step back: the next step's code,
    asked later, was then refused."""
    if at is None:
        left = step - time.time() % step
        if left < 2:
            time.sleep(left + 0.01)
        at = time.time()
    counter = int(at // step)
    digest = hmac.new(key, struct.pack(">Q", counter), hashlib.sha1).digest()
    offset = digest[-1] & 0x0F
    number = struct.unpack(">I", digest[offset : offset + 4])[0] & 0x7FFFFFFF
    return str(number % 10**digits).zfill(digits)


def next_totp_code(key: bytes) -> str:
    """The code of the next 30-second step: accepted (one step of tolerance) after the current
    one was used, without waiting for the clock."""
    return totp_code(key, at=time.time() + 30)


def sent_messages() -> list:
    """What the worker sends of the queued tasks (the request itself sends nothing)."""
    before = len(mail.outbox)
    run_worker()
    return mail.outbox[before:]


def link_in(message) -> str:
    """The path of the (only) link of a message: http://testserver/… → /…"""
    line = next(line for line in message.body.splitlines() if line.startswith("http"))
    return line.removeprefix("http://testserver")


def text(response) -> str:
    """The page as a person reads it (entities such as &#x27; turned back into characters)."""
    return html.unescape(response.content.decode())

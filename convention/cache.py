"""The public page cache: whole responses for anonymous visitors, dropped on every change.

Every save or delete of a public model (proposals and reports apps) bumps the single
`ContentVersion` row; the cache key holds the version, so a change anywhere makes every
cached page stale at once, in every worker and on every server. Each process reads the
version at most once per PAGE_CACHE_VERSION_TTL seconds (one tiny query), and at once after
its own changes.
"""

import hashlib
import time
from dataclasses import dataclass
from datetime import datetime

from django.apps import apps
from django.conf import settings
from django.core.cache import cache
from django.db import DatabaseError, transaction
from django.db.models import F
from django.db.models.signals import m2m_changed, post_delete, post_save
from django.db.transaction import get_connection as transactions_connection
from django.utils import timezone
from django.utils.http import urlencode

from .models import ContentVersion

PUBLIC_APPS = {"proposals", "reports"}


@dataclass
class Stamp:
    version: int
    changed_at: datetime
    read_at: float


_stamp: Stamp | None = None


def current_stamp() -> Stamp:
    """The content version, from this process's memory when fresh enough.

    When the database does not answer, the last known version is kept, so pages already
    cached are still served during an outage."""
    global _stamp
    now = time.monotonic()
    if _stamp is not None and now - _stamp.read_at < settings.PAGE_CACHE_VERSION_TTL:
        return _stamp
    try:
        row, _ = ContentVersion.objects.get_or_create(pk=1)
    except DatabaseError:
        if _stamp is None:
            raise
        return _stamp
    _stamp = Stamp(row.version, row.changed_at, now)
    return _stamp


def bump_version() -> None:
    """Mark all public pages stale (called after every change to public data)."""
    global _stamp
    updated = ContentVersion.objects.filter(pk=1).update(version=F("version") + 1, changed_at=timezone.now())
    if not updated:
        ContentVersion.objects.get_or_create(pk=1)
    _stamp = None


# The query parameters a public page reads: the table's filters, sort and page, and the
# sitemap's page. Any other parameter changes nothing on a page, so it neither splits the
# cache into copies nor forces a new rendering (`?x=<random>` on the PDF).
PAGE_PARAMETERS = ("axe", "statut", "porteur", "annee", "q", "tri", "page", "p")


def page_key(request, stamp: Stamp) -> str:
    params = sorted((name, value) for name in PAGE_PARAMETERS for value in request.GET.getlist(name))
    digest = hashlib.sha256(f"{request.path}?{urlencode(params)}".encode()).hexdigest()
    return f"page:{stamp.version}:{digest}"


def public_data_changed(sender, using=None, **kwargs):
    """Bump the version once the change is committed; once per transaction, however many
    rows an import or a fixture writes (a rolled-back change bumps nothing)."""
    connection = transactions_connection(using)
    if not any(func is bump_version for _, func, *_ in connection.run_on_commit):
        transaction.on_commit(bump_version, using=using)


def connect_invalidation() -> None:
    """Listen to the public models only (history rows change nothing public)."""
    for label in PUBLIC_APPS:
        for model in apps.get_app_config(label).get_models():
            if model.__name__.startswith("Historical"):
                continue
            post_save.connect(public_data_changed, sender=model)
            post_delete.connect(public_data_changed, sender=model)
            for field in model._meta.local_many_to_many:
                m2m_changed.connect(public_data_changed, sender=field.remote_field.through)


def cacheable(request) -> bool:
    """Anonymous GET/HEAD requests to public pages (no session cookie: no staff preview)."""
    return (
        settings.PAGE_CACHE_SECONDS > 0
        and request.method in ("GET", "HEAD")
        and settings.SESSION_COOKIE_NAME not in request.COOKIES
        and not request.path.startswith(settings.PAGE_CACHE_EXCLUDED_PREFIXES)
    )


def get_cached(key: str):
    return cache.get(key)


def store(key: str, response) -> None:
    cache.set(key, response, settings.PAGE_CACHE_SECONDS)

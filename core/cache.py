"""The public page cache: whole responses for anonymous visitors, dropped on every change.

A view opts in with `@cache_public_page(...)`, which names the query parameters it reads: its
cache key is the scheme, the validated host, the path and those parameters only, so any other
parameter neither splits the cache nor forces a new rendering (`?x=<random>` on the PDF).

Every save or delete of a public model (the apps of settings.PUBLIC_DATA_APPS) bumps the single
`ContentGeneration` row, on commit: the content generation. That number is given as Django's
cache `version=` of every page: a change anywhere makes every cached page stale at once, in every
worker and on every server. Each process reads the generation at most once per
PAGE_CACHE_GENERATION_TTL seconds (one tiny query), and at once after its own changes. With a
shared cache (Redis), a page is rendered once for the whole cluster after a change.

The same generation keys a smaller, per-process memo (`memoized`): what nearly every page reads
first (the convention, the published years, a published version's figures...) is read once per
generation, not once per request, also while the page cache is off or misses (filters, searches,
the first visitor after a change).
"""

import hashlib
import logging
import time
from collections import OrderedDict
from contextlib import suppress
from dataclasses import dataclass
from datetime import datetime
from functools import wraps
from importlib import import_module
from urllib.parse import urlsplit

from django.apps import apps
from django.conf import settings
from django.core.cache import cache
from django.db import DatabaseError, transaction
from django.db.models import F
from django.db.models.signals import m2m_changed, post_delete, post_migrate, post_save
from django.db.transaction import get_connection as transactions_connection
from django.http.request import validate_host
from django.urls import Resolver404, resolve
from django.utils import timezone
from django.utils.cache import patch_cache_control
from django.utils.http import urlencode
from django.utils.translation import get_language
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_safe
from redis.exceptions import RedisError

from .models import ContentGeneration

logger = logging.getLogger(__name__)


@dataclass
class Stamp:
    generation: int
    changed_at: datetime
    read_at: float


_stamp: Stamp | None = None


def current_stamp() -> Stamp:
    """The content generation, from this process's memory when fresh enough.

    When the database does not answer, the last known generation is kept, so pages already
    cached are still served during an outage."""
    global _stamp
    now = time.monotonic()
    if _stamp is not None and now - _stamp.read_at < settings.PAGE_CACHE_GENERATION_TTL:
        return _stamp
    try:
        row, _ = ContentGeneration.objects.get_or_create(pk=1)
    except DatabaseError:
        if _stamp is None:
            raise
        return _stamp
    _stamp = Stamp(row.generation, row.changed_at, now)
    return _stamp


# The memo: (content generation, {(function, language, arguments): result}).
_memo: tuple[int | None, dict] = (None, {})
# At most this many results held per content generation: arguments may come from an address (a
# year asked for), and a visitor asking for one after another must not grow a process without
# bound. Beyond it, results are computed and not kept, until the next generation.
MEMO_MAX_ENTRIES = 1000


def memoized(func=None, *, entries: int | None = None, key=None):
    """`func(*args)` read once per process and content generation: for functions of public data
    only (the apps of settings.PUBLIC_DATA_APPS, whose every change bumps the generation), whose
    result depends on nothing else but their arguments (hashable) and the language, and that
    no caller mutates. The staleness bound is the page cache's: PAGE_CACHE_GENERATION_TTL
    between processes, none after the process's own changes (they drop the generation it holds).

    `@memoized(entries=N, key=...)`: for a function of arguments that take many values (what a
    query string asks for): its results are held apart, at most N of them, the least recently
    used dropped first, so that they never crowd out the others. `key(*args)` (hashable) must
    hold everything the result depends on but the generation and the language.

    Inside a transaction (a write under way, or a test) `func` is called every time: the
    transaction may see rows the generation does not count yet, or never will (a rollback)."""
    if func is None:
        return lambda func: memoized(func, entries=entries, key=key)

    @wraps(func)
    def memoized_func(*args):
        global _memo
        if transaction.get_connection().in_atomic_block:
            return func(*args)
        try:
            generation = current_stamp().generation
        except DatabaseError:
            return func(*args)
        held, values = _memo
        if held != generation:
            values = {}
            _memo = (generation, values)
        if entries is not None:
            return _held_apart(values.setdefault(func, OrderedDict()), (get_language(), key(*args)), func, args)
        lookup = (func, get_language(), args)
        try:
            return values[lookup]
        except KeyError:
            value = func(*args)
            if len(values) < MEMO_MAX_ENTRIES:
                values[lookup] = value
            return value

    def _held_apart(store: OrderedDict, lookup, func, args):
        try:
            value = store[lookup]
        except KeyError:
            value = store[lookup] = func(*args)
            while len(store) > entries:
                store.popitem(last=False)
            return value
        with suppress(KeyError):  # dropped meanwhile by another thread
            store.move_to_end(lookup)
        return value

    return memoized_func


def forget_memo(**kwargs) -> None:
    """Drop the memo (receiver of post_migrate too: `flush` empties tables without a signal)."""
    global _memo
    _memo = (None, {})


def bump_generation() -> None:
    """Mark all public pages stale (called after every change to public data)."""
    global _stamp
    updated = ContentGeneration.objects.filter(pk=1).update(generation=F("generation") + 1, changed_at=timezone.now())
    if not updated:
        ContentGeneration.objects.get_or_create(pk=1)
    _stamp = None
    forget_memo()


def cache_public_page(*params):
    """Declare a view a public page: the same for every anonymous visitor, so its responses
    are cached here and may be kept by shared HTTP caches (see `public_cache_control`).

    `params` are the query parameters the view reads: names, or a FilterSet class, which
    stands for all its declared filters (read at each request, so a filter added to the
    set splits the cache by itself).

    A public page answers GET and HEAD only, so it needs no CSRF check: a POST, PUT or DELETE
    gets 405 (and the French page), not «Formulaire expiré»."""

    def decorator(view):
        safe_view = require_safe(view)

        @wraps(view)
        def public_view(request, *args, **kwargs):
            return safe_view(request, *args, **kwargs)

        public_view.page_params = params
        return csrf_exempt(public_view)

    return decorator


def page_params(request) -> tuple | None:
    """The parameters the view of this request reads, or None when it is not a public page."""
    try:
        match = resolve(request.path_info)
    except Resolver404:
        return None
    return getattr(match.func, "page_params", None)


def _reads(name: str, params: tuple) -> bool:
    for param in params:
        if isinstance(param, str):
            if name == param:
                return True
        # A filter's widget may read several fields: `<name>_min`, `<name>_max`…
        elif any(name == field or name.startswith(f"{field}_") for field in param.base_filters):
            return True
    return False


def page_key(request, params: tuple) -> str:
    """The key of the page: what its response depends on. `get_host()` refuses a host
    not in ALLOWED_HOSTS (400) before anything is read from the cache."""
    values = sorted((name, value) for name, values in request.GET.lists() if _reads(name, params) for value in values)
    url = f"{request.scheme}://{request.get_host()}{request.path}?{urlencode(values)}"
    return "page:" + hashlib.sha256(url.encode()).hexdigest()


def public_data_changed(sender, using=None, **kwargs):
    """Bump the generation once the change is committed; once per transaction, however many
    rows an import or a fixture writes (a rolled-back change bumps nothing)."""
    connection = transactions_connection(using)
    if not any(func is bump_generation for _, func, *_ in connection.run_on_commit):
        transaction.on_commit(bump_generation, using=using)


def connect_invalidation() -> None:
    """Listen to the public models only: those of settings.PUBLIC_DATA_APPS (history rows
    change nothing public)."""
    for label in settings.PUBLIC_DATA_APPS:
        for model in apps.get_app_config(label).get_models():
            if model.__name__.startswith("Historical"):
                continue
            post_save.connect(public_data_changed, sender=model)
            post_delete.connect(public_data_changed, sender=model)
            for field in model._meta.local_many_to_many:
                m2m_changed.connect(public_data_changed, sender=field.remote_field.through)
    post_migrate.connect(forget_memo)


def anonymous(request) -> bool:
    """No session cookie: not a member of staff (who may preview drafts)."""
    return settings.SESSION_COOKIE_NAME not in request.COOKIES


def caching() -> bool:
    """Whether this cache or HTTP caches keep public pages (neither does in development)."""
    return settings.PAGE_CACHE_SECONDS > 0 or settings.PAGE_HTTP_MAX_AGE > 0


def ignore_invalid_session(request) -> None:
    """Forget a session cookie that names no live session (`sessionid=x`, an expired or a
    logged-out one): the request is anonymous, served from the cache and its page kept, instead
    of costing a rendering each time. One query, for requests that carry the cookie only; when
    the database does not answer, the cookie is ignored too (nobody is previewing then)."""
    name = settings.SESSION_COOKIE_NAME
    key = request.COOKIES.get(name)
    if key is None:
        return
    store = import_module(settings.SESSION_ENGINE).SessionStore(session_key=key)
    try:
        live = store.session_key is not None and bool(store.load())
    except DatabaseError:
        live = False
    if not live:
        del request.COOKIES[name]


def cacheable(request) -> bool:
    return settings.PAGE_CACHE_SECONDS > 0 and request.method in ("GET", "HEAD") and anonymous(request)


def get_cached(key: str, stamp: Stamp):
    """The cached response, or None: also when the shared cache does not answer, so that the
    site keeps serving pages (rendered each time) while Redis is down."""
    try:
        return cache.get(key, version=stamp.generation)
    except RedisError as error:
        logger.warning("Page cache unavailable: %s", error)
        return None


def cache_answers() -> bool:
    """Whether the cache answers now (one read; False at once while Redis is skipped)."""
    try:
        cache.get("health-probe")
    except RedisError:
        return False
    return True


def store(key: str, stamp: Stamp, response) -> None:
    try:
        cache.set(key, response, settings.PAGE_CACHE_SECONDS, version=stamp.generation)
    except RedisError as error:
        logger.warning("Page cache unavailable: %s", error)


def shareable(request, response) -> bool:
    """A public page's response that every anonymous visitor gets alike: this cache, a
    proxy or a browser may keep it (unless the view said otherwise)."""
    return (
        request.method in ("GET", "HEAD")
        and anonymous(request)
        and response.status_code == 200
        and not response.cookies
        and not {"private", "no-store"} & cache_directives(response)
    )


def cache_directives(response) -> set[str]:
    return {item.split("=")[0].strip().lower() for item in response.get("Cache-Control", "").split(",")}


def public_cache_control(response) -> None:
    """Shared caches (nginx, a CDN) may serve the page for PAGE_HTTP_MAX_AGE seconds, and
    PAGE_HTTP_STALE_SECONDS more while they fetch it again or while the app fails: the
    staleness bound after a change.
    A response that says its own policy (a published review's documents) keeps it."""
    if response.has_header("Cache-Control"):
        return
    if settings.PAGE_HTTP_MAX_AGE > 0:
        patch_cache_control(
            response,
            public=True,
            max_age=settings.PAGE_HTTP_MAX_AGE,
            s_maxage=settings.PAGE_HTTP_MAX_AGE,
            stale_while_revalidate=settings.PAGE_HTTP_STALE_SECONDS,
            stale_if_error=settings.PAGE_HTTP_STALE_SECONDS,
        )
    else:
        patch_cache_control(response, no_cache=True)


def vary_only_on_content(response) -> None:
    """A public page is the same for every visitor without a session, and a visitor with one never
    gets a shared copy (nginx and this cache let staff through): `Vary: Cookie`, which a view
    that looks at the session gets, would only make shared caches keep one copy per cookie header."""
    if not response.has_header("Vary"):
        return
    kept = [value.strip() for value in response["Vary"].split(",") if value.strip().lower() not in ("cookie", "")]
    if kept:
        response["Vary"] = ", ".join(kept)
    else:
        del response["Vary"]


def private_cache_control(response) -> None:
    """Anything else (a session, a form, the back office, an error): never kept by a proxy,
    nor by a browser. A response that says its own policy keeps it."""
    if not response.has_header("Cache-Control"):
        patch_cache_control(response, private=True, no_store=True)


def warm_published_pages(sender, record, **kwargs) -> None:
    """Receiver of `publishing.signals.published`: publication day, the pages the record
    changes (`pages_to_warm()`) are rendered, once committed, before visitors ask for them."""
    transaction.on_commit(lambda: warm_public_pages(record.pages_to_warm()))


def warm_public_pages(paths, base_url: str = "") -> dict[str, int]:
    """Render `paths` into the page cache before visitors ask for them, as a visitor of
    `base_url` (default SITE_URL, else the first allowed host over HTTPS) would: the key holds
    the scheme and the host. Call it once the change is committed (`transaction.on_commit`),
    after the content generation was bumped, and after the request's own saves (the pages go
    through the whole middleware stack). Returns each path's status code; nothing to do when
    the page cache is off."""
    if settings.PAGE_CACHE_SECONDS <= 0:
        return {}
    from django.test import Client  # a WSGI request through the whole stack, without a socket

    global _stamp
    url = urlsplit(base_url or settings.SITE_URL or f"https://{settings.ALLOWED_HOSTS[0]}")
    if not validate_host(url.hostname or "", settings.ALLOWED_HOSTS):
        logger.warning("Pages not warmed: %s is not in DJANGO_ALLOWED_HOSTS.", url.hostname)
        return {}
    client = Client(HTTP_HOST=url.netloc, HTTP_X_FORWARDED_PROTO=url.scheme, raise_request_exception=False)
    _stamp = None  # read the generation now, not a copy from before the change
    statuses = {}
    for path in paths:
        try:
            statuses[path] = client.get(path, secure=url.scheme == "https").status_code
        except Exception:  # warming is a courtesy: it never undoes or stops what was committed
            logger.exception("Page %s not warmed.", path)
    return statuses

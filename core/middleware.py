import functools
import ipaddress
import logging
import re

from django.conf import settings
from django.contrib.staticfiles.storage import staticfiles_storage
from django.db import InterfaceError, OperationalError
from django.http import HttpResponse, QueryDict
from django.template.loader import render_to_string
from django.utils.cache import set_response_etag
from django.utils.http import http_date, urlencode
from whitenoise.middleware import WhiteNoiseMiddleware

from . import cache, disk

logger = logging.getLogger(__name__)


class PermissionsPolicyMiddleware:
    """The Permissions-Policy header (settings.PERMISSIONS_POLICY) on every response, static
    files and cached pages included: the site uses no camera, microphone, location..."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        response.headers.setdefault("Permissions-Policy", settings.PERMISSIONS_POLICY)
        return response


class RequestBodyLimitMiddleware:
    """413 for a request announcing a body over settings.MAX_REQUEST_BODY_SIZE, before
    anything (the CSRF check, a form) reads it. Django's own limits (DATA_UPLOAD_MAX_MEMORY_SIZE)
    only apply to what is read, and not to files."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        try:
            length = int(request.META.get("CONTENT_LENGTH") or 0)
        except ValueError:
            length = 0
        if length > settings.MAX_REQUEST_BODY_SIZE:
            page = render_to_string("413.html", {"megabytes": settings.MAX_REQUEST_BODY_SIZE / 1024 / 1024})
            return HttpResponse(page, status=413)
        return self.get_response(request)


class StaticFilesMiddleware(WhiteNoiseMiddleware):
    """whitenoise, without the manifest of hashed names (staticfiles.json): the storage reads
    it from the disk, no visitor needs it."""

    def __init__(self, get_response=None, settings=settings):
        super().__init__(get_response, settings=settings)
        manifest = getattr(staticfiles_storage, "manifest_name", "staticfiles.json")
        self.files.pop(self.static_prefix + manifest, None)


class MethodNotAllowedMiddleware:
    """A French page for the 405 of `require_safe` and the like, which comes without a body."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if response.status_code == 405 and not response.streaming and not response.content:
            response.content = render_to_string("405.html")
            response["Content-Type"] = "text/html; charset=utf-8"
        return response


CONTROL_CHARACTERS = re.compile(r"[\x00-\x1f\x7f]")


class ControlCharactersMiddleware:
    """Query strings without control characters: a NUL byte, refused by PostgreSQL in text,
    would turn a filter into a 500, and a page must not echo such characters. The request
    goes on as if they had not been sent."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        pairs = [(key, value) for key, values in request.GET.lists() for value in values]
        if any(CONTROL_CHARACTERS.search(key + value) for key, value in pairs):
            query = urlencode(
                [(CONTROL_CHARACTERS.sub("", key), CONTROL_CHARACTERS.sub("", value)) for key, value in pairs]
            )
            request.META["QUERY_STRING"] = query
            request.GET = QueryDict(query, encoding=request.encoding)
        return self.get_response(request)


class PublicPageCacheMiddleware:
    """Serve anonymous public pages from the cache (see core/cache.py), with a
    Last-Modified date (the last change of public data), and say to HTTP caches which
    responses they may keep: public pages for a short while, nothing else."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        params = cache.page_params(request)
        key = stamp = None
        if params is not None and request.method in ("GET", "HEAD") and cache.caching():
            cache.ignore_invalid_session(request)
        if params is not None and cache.cacheable(request):
            try:
                stamp = cache.current_stamp()
            except (OperationalError, InterfaceError):
                return DatabaseUnavailableMiddleware.maintenance_response()
            key = cache.page_key(request, params)  # a disallowed Host stops here (400)
            response = cache.get_cached(key, stamp)
            if response is not None:
                return response
        response = self.get_response(request)
        if params is None or not cache.shareable(request, response):
            cache.private_cache_control(response)
            return response
        cache.public_cache_control(response)
        cache.vary_only_on_content(response)
        if key is not None and not response.streaming:
            response.headers.setdefault("Last-Modified", http_date(stamp.changed_at.timestamp()))
            set_response_etag(response)  # once, not on every hit
            cache.store(key, stamp, response)
        return response


class DatabaseUnavailableMiddleware:
    """When the database does not answer, a French maintenance page with 503 and
    Retry-After instead of a 500; persistent connections with health checks reconnect by
    themselves once it is back. A full or read-only disk (the database's or a file's,
    core/disk.py) is said as such instead."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_exception(self, request, exception):
        problem = disk.disk_problem(exception)
        if problem is not None:
            # Not the database away: a disk to free or to make writable, which waiting does not fix.
            logger.error("Disk %s: %s", problem, exception)
            return self.disk_response(problem)
        if isinstance(exception, OperationalError | InterfaceError):
            logger.warning("Database unavailable: %s", exception)
            return self.maintenance_response(input_lost=request.method not in ("GET", "HEAD", "OPTIONS"))
        return None

    @staticmethod
    def disk_response(problem: str) -> HttpResponse:
        """503 without Retry-After: the disk is full or read-only, and stays so until someone acts."""
        page = render_to_string("503_disk.html", {"message": disk.MESSAGES[problem], "advice": disk.ADVICE})
        response = HttpResponse(page, status=503)
        response["Cache-Control"] = "no-store"
        return response

    @staticmethod
    def maintenance_response(*, input_lost: bool = False) -> HttpResponse:
        # Rendered without a request: no context processor may touch the database. A sent form
        # (input_lost) was not saved, and the page must not say that nothing is lost.
        response = HttpResponse(render_to_string("503.html", {"input_lost": input_lost}), status=503)
        response["Retry-After"] = "30"
        response["Cache-Control"] = "no-store"
        return response


FORWARDED_HEADERS = ("HTTP_X_FORWARDED_FOR", "HTTP_X_FORWARDED_PROTO", "HTTP_X_FORWARDED_HOST", "HTTP_FORWARDED")


class TrustedProxyMiddleware:
    """The X-Forwarded-* headers are believed only from a trusted proxy (settings.TRUSTED_PROXY_IPS,
    the list bin/start also gives gunicorn): from any other peer they are dropped, so a client
    that reaches the app server directly cannot choose its address (the log-in lock-out, the
    follow limits: `core.site.client_ip`) nor claim HTTPS."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if not from_trusted_proxy(request.META.get("REMOTE_ADDR", "")):
            for header in FORWARDED_HEADERS:
                request.META.pop(header, None)
        return self.get_response(request)


def from_trusted_proxy(address: str) -> bool:
    """Whether a request from `address` (REMOTE_ADDR) comes from a trusted proxy."""
    try:
        peer = ipaddress.ip_address(address)
    except ValueError:
        return False
    return any(network is None or peer in network for network in _networks(tuple(settings.TRUSTED_PROXY_IPS)))


@functools.cache
def _networks(values: tuple[str, ...]) -> list:
    """The networks of TRUSTED_PROXY_IPS (None for "*": every address)."""
    return [None if value == "*" else ipaddress.ip_network(value, strict=False) for value in values]

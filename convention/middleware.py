import logging

from django.db import InterfaceError, OperationalError
from django.http import HttpResponse
from django.template.loader import render_to_string
from django.utils.cache import set_response_etag
from django.utils.http import http_date

from . import cache

logger = logging.getLogger(__name__)


class PublicPageCacheMiddleware:
    """Serve anonymous public pages from the cache (see convention/cache.py), with a
    Last-Modified date (the last change of public data), and say to HTTP caches which
    responses they may keep: public pages for a short while, nothing else."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        params = cache.page_params(request)
        key = stamp = None
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
        if key is not None and not response.streaming:
            response.headers.setdefault("Last-Modified", http_date(stamp.changed_at.timestamp()))
            set_response_etag(response)  # once, not on every hit
            cache.store(key, stamp, response)
        return response


class DatabaseUnavailableMiddleware:
    """When the database does not answer, a French maintenance page with 503 and
    Retry-After instead of a 500; persistent connections with health checks reconnect by
    themselves once it is back."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_exception(self, request, exception):
        if isinstance(exception, OperationalError | InterfaceError):
            logger.warning("Database unavailable: %s", exception)
            return self.maintenance_response()
        return None

    @staticmethod
    def maintenance_response() -> HttpResponse:
        # Rendered without a request: no context processor may touch the database.
        response = HttpResponse(render_to_string("503.html"), status=503)
        response["Retry-After"] = "30"
        response["Cache-Control"] = "no-store"
        return response

"""The site's cache backends: Redis that fails fast, local memory bounded in bytes.

A cache makes pages faster; it must never make the site slower than without it. Redis is asked
with short timeouts, and after a failure each process skips it for a while (the circuit is
open): a page is then rendered uncached, in the time it takes without a cache. Local memory,
one per worker, holds at most MAX_BYTES of entries, however many different pages are asked.
"""

import threading
import time

from django.core.cache.backends.base import DEFAULT_TIMEOUT
from django.core.cache.backends.locmem import LocMemCache
from django.core.cache.backends.redis import RedisCache
from redis.exceptions import ConnectionError as RedisConnectionError
from redis.exceptions import RedisError

# When each Redis's circuit closes again (time.monotonic()), by location: one per process, shared
# by its threads (Django gives each thread its own cache object).
_circuits: dict[str, float] = {}


class CacheUnavailable(RedisConnectionError):
    """Redis failed a moment ago: not asked again until the circuit closes. A RedisError, so
    whoever already copes with a Redis that does not answer copes with this one."""


class FailFastRedisCache(RedisCache):
    """Django's Redis cache, plus a circuit: after a Redis error, every call in this process
    raises CacheUnavailable at once for OPTIONS["CIRCUIT_SECONDS"] (30 by default), then Redis
    is tried again. Set short `socket_connect_timeout`/`socket_timeout` in OPTIONS too: they
    bound the one slow call that opens the circuit."""

    def __init__(self, server, params):
        options = dict(params.get("OPTIONS") or {})
        self.circuit_seconds = float(options.pop("CIRCUIT_SECONDS", 30))
        super().__init__(server, {**params, "OPTIONS": options})
        self.location = server if isinstance(server, str) else ",".join(server)

    def is_available(self) -> bool:
        """False while the circuit is open (Redis failed less than CIRCUIT_SECONDS ago)."""
        return time.monotonic() >= _circuits.get(self.location, 0.0)

    def _guarded(self, method, *args, **kwargs):
        if not self.is_available():
            raise CacheUnavailable(f"Redis skipped for {self.circuit_seconds:g} s after a failure")
        try:
            return method(*args, **kwargs)
        except RedisError:
            _circuits[self.location] = time.monotonic() + self.circuit_seconds
            raise

    # Every call that reaches Redis (the others, e.g. get_or_set, go through these).

    def add(self, *args, **kwargs):
        return self._guarded(super().add, *args, **kwargs)

    def get(self, *args, **kwargs):
        return self._guarded(super().get, *args, **kwargs)

    def set(self, *args, **kwargs):
        return self._guarded(super().set, *args, **kwargs)

    def touch(self, *args, **kwargs):
        return self._guarded(super().touch, *args, **kwargs)

    def delete(self, *args, **kwargs):
        return self._guarded(super().delete, *args, **kwargs)

    def get_many(self, *args, **kwargs):
        return self._guarded(super().get_many, *args, **kwargs)

    def has_key(self, *args, **kwargs):
        return self._guarded(super().has_key, *args, **kwargs)

    def incr(self, *args, **kwargs):
        return self._guarded(super().incr, *args, **kwargs)

    def set_many(self, *args, **kwargs):
        return self._guarded(super().set_many, *args, **kwargs)

    def delete_many(self, *args, **kwargs):
        return self._guarded(super().delete_many, *args, **kwargs)

    def clear(self):
        return self._guarded(super().clear)


class _Usage:
    """The bytes each key of one local-memory cache holds (shared by its threads, like the
    entries themselves), and their total."""

    def __init__(self):
        self.sizes: dict[str, int] = {}
        self.total = 0

    def put(self, key: str, size: int) -> None:
        self.drop(key)
        self.sizes[key] = size
        self.total += size

    def drop(self, key: str) -> None:
        self.total -= self.sizes.pop(key, 0)

    def keep_only(self, keys) -> None:
        self.sizes = {key: size for key, size in self.sizes.items() if key in keys}
        self.total = sum(self.sizes.values())


_usages: dict[str, _Usage] = {}
_usages_lock = threading.Lock()


class BoundedLocMemCache(LocMemCache):
    """Django's local-memory cache, bounded in bytes as well as in entries: it keeps at most
    OPTIONS["MAX_BYTES"] of (pickled) values, dropping the least recently used first; a single
    value larger than that is not kept at all."""

    def __init__(self, name, params):
        options = dict(params.get("OPTIONS") or {})
        self.max_bytes = int(options.pop("MAX_BYTES"))
        super().__init__(name, {**params, "OPTIONS": options})
        with _usages_lock:
            self._usage = _usages.setdefault(name, _Usage())

    @property
    def bytes_used(self) -> int:
        return self._usage.total

    # LocMemCache calls these with its lock held.

    def _set(self, key, value, timeout=DEFAULT_TIMEOUT):
        if len(value) > self.max_bytes:
            self._delete(key)
            return
        super()._set(key, value, timeout)
        self._usage.put(key, len(value))
        while self._usage.total > self.max_bytes:
            oldest, _ = self._cache.popitem()  # the end of the order: the least recently used
            del self._expire_info[oldest]
            self._usage.drop(oldest)

    def _cull(self):
        super()._cull()
        self._usage.keep_only(self._cache)

    def _delete(self, key):
        self._usage.drop(key)
        return super()._delete(key)

    def clear(self):
        with self._lock:
            self._cache.clear()
            self._expire_info.clear()
            self._usage.keep_only(())

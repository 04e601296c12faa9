"""Settings for the citizens' convention follow-up site.

One module, read from the environment (see `.env.example`), completed by a `.env` file in the
directory a command runs from when there is one (`make run` writes a development one).
Development defaults are harmless; in production (DJANGO_DEBUG unset or false) the required
variables must be set, or the start stops with a clear message.
"""

import datetime
import ipaddress
import os
from pathlib import Path
from urllib.parse import urlsplit

import dj_database_url
from csp.constants import NONE, SELF
from django.core.exceptions import ImproperlyConfigured
from dotenv import load_dotenv

BASE_DIR = Path(__file__).resolve().parent.parent


def envbool(name: str, default: bool) -> bool:
    """A boolean variable: only "true"/"false" (any case), so a typo fails loudly."""
    value = os.environ.get(name)
    if value is None or value == "":
        return default
    if value.lower() == "true":
        return True
    if value.lower() == "false":
        return False
    raise ImproperlyConfigured(f"{name} must be 'true' or 'false', not {value!r}")


def _envnumber(name: str, default, parse, kind: str):
    value = os.environ.get(name)
    if value is None or value == "":
        return default
    try:
        return parse(value)
    except ValueError as exc:
        raise ImproperlyConfigured(f"{name} must be {kind}, not {value!r}") from exc


def envint(name: str, default: int) -> int:
    return _envnumber(name, default, int, "a whole number")


def envfloat(name: str, default: float) -> float:
    return _envnumber(name, default, float, "a number")


def envlist(name: str, default: str = "") -> list[str]:
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


def envnetworks(name: str, default: str = "") -> list[str]:
    """A list of IP addresses or networks ("10.0.0.1", "10.0.0.0/24"), or "*": a typo fails loudly."""
    values = envlist(name, default)
    for value in values:
        if value == "*":
            continue
        try:
            ipaddress.ip_network(value, strict=False)
        except ValueError:
            raise ImproperlyConfigured(
                f"{name}: {value!r} is not an IP address or network (e.g. 10.0.0.1, 10.0.0.0/24, *)."
            ) from None
    return values


# pytest (8.2 and later) sets PYTEST_VERSION for the whole run.
TESTING = "PYTEST_VERSION" in os.environ
# A developer's `.env` (python-dotenv) fills in what the environment does not set; a variable
# the environment has always wins. Never during the tests, whatever a developer keeps there.
if not TESTING:
    load_dotenv(Path.cwd() / ".env", override=False)

DEBUG = envbool("DJANGO_DEBUG", False)

# Only a harmless development key as a fallback; production must provide its own.
SECRET_KEY = os.environ.get("DJANGO_SECRET_KEY") or ""
if not SECRET_KEY:
    if not (DEBUG or TESTING):
        raise ImproperlyConfigured("DJANGO_SECRET_KEY is required when DJANGO_DEBUG is not true (see .env.example).")
    SECRET_KEY = "dev-only-insecure-key-do-not-use-in-production"

ALLOWED_HOSTS = envlist("DJANGO_ALLOWED_HOSTS", "127.0.0.1,localhost" if (DEBUG or TESTING) else "")
if not ALLOWED_HOSTS:
    raise ImproperlyConfigured("DJANGO_ALLOWED_HOSTS is required when DJANGO_DEBUG is not true (see .env.example).")
CSRF_TRUSTED_ORIGINS = envlist("DJANGO_CSRF_TRUSTED_ORIGINS")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django.contrib.sitemaps",
    "django_filters",
    "import_export",
    "simple_history",
    "csp",
    "convention.apps.LoginLockoutConfig",  # django-axes, named in French
    "core",
    "convention",
    "publishing",
    "proposals",
    "reports",
    "assessments",
    "public_site",
    "follow",
    # Staff accounts: invitations, password reset, the second factor (accounts/).
    "accounts",
    # One-time passwords (django-otp): authenticator apps (TOTP) and recovery codes.
    "django_otp",
    "django_otp.plugins.otp_totp",
    "django_otp.plugins.otp_static",
    # Passkeys (WebAuthn) as a second factor (django-otp-webauthn).
    "django_otp_webauthn",
    # The task queue (Django's Tasks API, backported) and its database backend: the worker
    # `manage.py db_worker` sends the followers' messages.
    "django_tasks",
    "django_tasks_db",
]

MIDDLEWARE = [
    # First: X-Forwarded-* from anyone but a trusted proxy are dropped before anything reads them.
    "core.middleware.TrustedProxyMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "core.middleware.PermissionsPolicyMiddleware",
    # A request body over MAX_REQUEST_BODY_SIZE is refused (413) before anything reads it.
    "core.middleware.RequestBodyLimitMiddleware",
    # whitenoise (without the manifest) right after: static files skip the rest of the stack.
    "core.middleware.StaticFilesMiddleware",
    # Before anything reads the query string: control characters (a NUL byte) are dropped.
    "core.middleware.ControlCharactersMiddleware",
    # ETag on every page and document, 304 on If-None-Match / If-Modified-Since.
    "django.middleware.http.ConditionalGetMiddleware",
    # A published review's documents are stored bytes: served here, like static files.
    "reports.documents.StoredDocumentMiddleware",
    # Anonymous public pages come from the cache here, with every header the middleware
    # below once added (CSP, Vary...), so a hit skips the rest of the stack (core/cache.py).
    "core.middleware.PublicPageCacheMiddleware",
    "csp.middleware.CSPMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    # Which second factor, if any, verified this session (request.user.is_verified()).
    "django_otp.middleware.OTPMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    # Staff sessions idle too long are ended, and staff who must verify a second factor (or
    # enrol one) reach nothing else (accounts/middleware.py).
    "accounts.middleware.StaffSessionMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "simple_history.middleware.HistoryRequestMiddleware",
    "core.middleware.DatabaseUnavailableMiddleware",
    "core.middleware.MethodNotAllowedMiddleware",
    # Last: turns a locked-out log-in into the lockout page (django-axes).
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "convention.urls"
WSGI_APPLICATION = "convention.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "public_site.context_processors.site",
                "accounts.context_processors.single_sign_on",
            ],
        },
    },
]

# SQLite file by default; DATABASE_URL (postgresql://user:pass@host:port/name) for production,
# where a missing (or misspelt) variable must not silently write to a file in the container.
if not (DEBUG or TESTING or os.environ.get("DATABASE_URL")):
    raise ImproperlyConfigured(
        "DATABASE_URL is required when DJANGO_DEBUG is not true (see .env.example); "
        "DATABASE_URL=sqlite:///path/to/db.sqlite3 chooses SQLite explicitly."
    )
DATABASES = {
    "default": dj_database_url.config(
        default=f"sqlite:///{BASE_DIR / 'db.sqlite3'}",
        conn_max_age=envint("DJANGO_CONN_MAX_AGE", 60),
        conn_health_checks=True,
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
    # Fail fast when PostgreSQL is down: the outage page answers instead of a hung worker.
    DATABASES["default"].setdefault("OPTIONS", {})["connect_timeout"] = envint("DJANGO_DB_CONNECT_TIMEOUT", 3)
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # The server and the worker write to the same file (`make run`, `bin/start`). WAL lets pages be
    # read while one of them writes; a write waits for the lock (timeout, in seconds) instead of
    # failing; and each transaction takes the write lock when it begins (IMMEDIATE): one that read
    # first and wrote next would otherwise fail at once with «database is locked», whatever the
    # timeout. synchronous=NORMAL is WAL's safe setting (a commit survives a crash of the process).
    DATABASES["default"].setdefault("OPTIONS", {}).update(
        {
            "transaction_mode": "IMMEDIATE",
            "timeout": envint("DJANGO_SQLITE_TIMEOUT", 20),
            "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL",
        }
    )
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
if TESTING:
    # Fast hashing for the test suite only.
    PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]

# One language, so no LocaleMiddleware: pages do not vary on Accept-Language, and a shared
# cache keeps one copy of each, not one per browser's language list.
LANGUAGE_CODE = "fr"
LANGUAGES = [("fr", "Français")]
TIME_ZONE = "Europe/Paris"
USE_I18N = True
USE_TZ = True
LOCALE_PATHS = [BASE_DIR / "locale"]
FIXTURE_DIRS = [BASE_DIR / "fixtures"]

STATIC_URL = "/static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
STATICFILES_DIRS = [BASE_DIR / "static"]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        # Hashed, compressed files in production (collectstatic at build time);
        # plain files in development and tests, which have no manifest.
        "BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"
        if (DEBUG or TESTING)
        else "whitenoise.storage.CompressedManifestStaticFilesStorage",
    },
}
WHITENOISE_MAX_AGE = 31536000 if not DEBUG else 0
# Files served at the site's root by whitenoise, before the sessions are read: /favicon.ico,
# which browsers ask for beside every page, cookie included (an answer that read a session
# just replaced by a sign-in would delete the new cookie).
WHITENOISE_ROOT = BASE_DIR / "public_site" / "root"

LOGIN_URL = "admin:login"
# After log-in without a valid `next`: the back office, not Django's /accounts/profile/.
LOGIN_REDIRECT_URL = "admin:index"

# Log-in throttling (django-axes): after DJANGO_LOGIN_FAILURE_LIMIT failures for one account from
# one address, that account is locked out FROM THAT ADDRESS for DJANGO_LOGIN_COOLOFF_MINUTES: the
# same person elsewhere (or a colleague behind the same address) still logs in, so an attacker can
# neither lock a named account out from anywhere nor lock everyone out from one address. A superuser lifts a
# lockout in the back office («Tentatives de connexion»: delete the line) or with `manage.py axes_reset`.
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
    # Single sign-on (OIDC_ENABLED): it answers only the provider's callback.
    "accounts.oidc.StaffOIDCBackend",
]
# Staff accounts (accounts/). An invitation link is valid ACCOUNTS_INVITATION_HOURS; a password
# reset link PASSWORD_RESET_TIMEOUT seconds. Reset requests: at most so many per e-mail address and
# per client address an hour (beyond: the same answer, no message).
ACCOUNTS_INVITATION_HOURS = envint("ACCOUNTS_INVITATION_HOURS", 72)
PASSWORD_RESET_TIMEOUT = envint("PASSWORD_RESET_TIMEOUT_SECONDS", 3600)
ACCOUNTS_RESETS_PER_ADDRESS_PER_HOUR = envint("ACCOUNTS_RESETS_PER_ADDRESS_PER_HOUR", 3)
ACCOUNTS_RESETS_PER_CLIENT_PER_HOUR = envint("ACCOUNTS_RESETS_PER_CLIENT_PER_HOUR", 10)
# The second factor: always required of superusers and of the groups SECOND_FACTOR_GROUPS (those
# who publish), and of every staff account when STAFF_REQUIRE_SECOND_FACTOR is true; anyone else
# on the staff may turn it on. SECOND_FACTOR_TOTP: authenticator apps (the way to enrol one; the
# production check refuses to start without a way to enrol a required second factor).
SECOND_FACTOR_GROUPS = envlist("SECOND_FACTOR_GROUPS", "Greffe")
STAFF_REQUIRE_SECOND_FACTOR = envbool("STAFF_REQUIRE_SECOND_FACTOR", False)
SECOND_FACTOR_TOTP = envbool("SECOND_FACTOR_TOTP", True)
OTP_TOTP_ISSUER = os.environ.get("OTP_TOTP_ISSUER", "Suivi de la convention")
# Recovery codes given at enrolment (each works once).
SECOND_FACTOR_RECOVERY_CODES = 10
# A staff session ends after this many minutes without a request (0: never, beyond the cookie's age).
STAFF_SESSION_IDLE_MINUTES = envint("STAFF_SESSION_IDLE_MINUTES", 60)

# Single sign-on through the city's OpenID Connect provider (mozilla-django-oidc): off unless
# OIDC_ENABLED. The provider's endpoints and this site's client id and secret (registered there
# with the redirect address SITE_URL + /comptes/sso/retour/). OIDC_LOCAL_PASSWORDS=false: staff
# who sign in this way lose their local password. Roles stay granted here (accounts/oidc.py).
OIDC_ENABLED = envbool("OIDC_ENABLED", False)
OIDC_LOCAL_PASSWORDS = envbool("OIDC_LOCAL_PASSWORDS", True)
OIDC_RP_CLIENT_ID = os.environ.get("OIDC_RP_CLIENT_ID", "")
OIDC_RP_CLIENT_SECRET = os.environ.get("OIDC_RP_CLIENT_SECRET", "")
OIDC_OP_AUTHORIZATION_ENDPOINT = os.environ.get("OIDC_OP_AUTHORIZATION_ENDPOINT", "")
OIDC_OP_TOKEN_ENDPOINT = os.environ.get("OIDC_OP_TOKEN_ENDPOINT", "")
OIDC_OP_USER_ENDPOINT = os.environ.get("OIDC_OP_USER_ENDPOINT", "")
OIDC_OP_JWKS_ENDPOINT = os.environ.get("OIDC_OP_JWKS_ENDPOINT", "")
OIDC_RP_SIGN_ALGO = os.environ.get("OIDC_RP_SIGN_ALGO", "RS256")
OIDC_RP_SCOPES = "openid email"
OIDC_USE_PKCE = True
OIDC_TIMEOUT = envint("OIDC_TIMEOUT", 10)
OIDC_AUTHENTICATION_CALLBACK_URL = "accounts:oidc-callback"
LOGIN_REDIRECT_URL_FAILURE = "admin:login"
if OIDC_ENABLED and not all(
    (OIDC_RP_CLIENT_ID, OIDC_OP_AUTHORIZATION_ENDPOINT, OIDC_OP_TOKEN_ENDPOINT, OIDC_OP_USER_ENDPOINT)
):
    raise ImproperlyConfigured(
        "OIDC_ENABLED needs OIDC_RP_CLIENT_ID, OIDC_OP_AUTHORIZATION_ENDPOINT, OIDC_OP_TOKEN_ENDPOINT "
        "and OIDC_OP_USER_ENDPOINT (see .env.example)."
    )

AXES_FAILURE_LIMIT = envint("DJANGO_LOGIN_FAILURE_LIMIT", 5)
AXES_COOLOFF_TIME = datetime.timedelta(minutes=envint("DJANGO_LOGIN_COOLOFF_MINUTES", 15))
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_CALLABLE = "convention.login.locked_out"
AXES_CLIENT_IP_CALLABLE = "core.site.client_ip"
# Behind a reverse proxy every request comes from the proxy's address: give the number of
# proxies that append the client's address to X-Forwarded-For (1 for one nginx, 2 for a TLS
# proxy then nginx as in docker-compose.yml), or every client would share the proxy's address.
# 0 (the default): REMOTE_ADDR.
TRUSTED_PROXY_COUNT = envint("DJANGO_TRUSTED_PROXY_COUNT", 0)
# The addresses (or networks, "10.0.0.0/24") the proxy's requests come from: X-Forwarded-For and
# X-Forwarded-Proto are believed from these only (core.middleware.TrustedProxyMiddleware), so a
# client reaching gunicorn directly cannot choose its address. bin/start gives gunicorn the same
# list (--forwarded-allow-ips). Default: this machine (a proxy on the same host); "*" trusts every
# peer, only where nothing but the proxy reaches the app (docker-compose.yml).
TRUSTED_PROXY_IPS = envnetworks("DJANGO_TRUSTED_PROXY_IPS", "127.0.0.1,::1")
if TRUSTED_PROXY_COUNT and not TRUSTED_PROXY_IPS:
    raise ImproperlyConfigured(
        "DJANGO_TRUSTED_PROXY_COUNT is set but DJANGO_TRUSTED_PROXY_IPS is empty: give the proxies' addresses."
    )

# Cache: local memory by default (one per process); REDIS_URL (redis://host:6379/0) shares
# one Redis between every worker of every server: a page is then rendered once per cluster.
# A cache never stalls the site (core/cache_backends.py): Redis gets short timeouts, and
# after a failure each process renders pages uncached for CIRCUIT_SECONDS before trying again.
# Redis evicts by its own `maxmemory` policy; local memory holds at most MAX_BYTES a process.
REDIS_URL = os.environ.get("REDIS_URL", "")
REDIS_CACHE_OPTIONS = {
    "socket_connect_timeout": envfloat("DJANGO_CACHE_TIMEOUT", 0.25),
    "socket_timeout": envfloat("DJANGO_CACHE_TIMEOUT", 0.25),
    "CIRCUIT_SECONDS": envfloat("DJANGO_CACHE_RETRY_SECONDS", 30.0),
}
LOCAL_CACHE_OPTIONS = {"MAX_ENTRIES": 5000, "MAX_BYTES": envint("DJANGO_LOCAL_CACHE_MB", 64) * 1024 * 1024}
CACHES = {
    "default": {
        "BACKEND": "core.cache_backends.FailFastRedisCache" if REDIS_URL else "core.cache_backends.BoundedLocMemCache",
        "LOCATION": REDIS_URL or "convention",
        "TIMEOUT": 3600,
        # A shared cache outlives a deploy: give each release its own keys (e.g. the commit).
        "KEY_PREFIX": os.environ.get("RELEASE_ID", ""),
        "OPTIONS": REDIS_CACHE_OPTIONS if REDIS_URL else LOCAL_CACHE_OPTIONS,
    }
}
# Whole public pages for anonymous visitors (0 disables it). The cache key holds the
# content generation, bumped on every change of public data (core/cache.py).
# Off in tests, which turn it on where they test it (rows change under a fixed generation there).
# Off in development too, where templates change under a fixed content generation.
PAGE_CACHE_SECONDS = envint("DJANGO_PAGE_CACHE_SECONDS", 0 if (TESTING or DEBUG) else 3600)
# The apps whose models the public reads: any save or delete of one of their rows bumps the
# content generation (history rows excepted).
PUBLIC_DATA_APPS = ["proposals", "reports", "assessments"]
# How long a process may trust its copy of the content generation (seconds): the staleness
# bound between workers and servers. Changes made by the process itself are seen at once.
PAGE_CACHE_GENERATION_TTL = envfloat("DJANGO_PAGE_CACHE_GENERATION_TTL", 1.0)
if "DJANGO_PAGE_CACHE_VERSION_TTL" in os.environ:  # its former name: refused, never silently ignored
    raise ImproperlyConfigured(
        "DJANGO_PAGE_CACHE_VERSION_TTL is replaced by DJANGO_PAGE_CACHE_GENERATION_TTL (same meaning): "
        "set that one instead."
    )
# HTTP caching of public pages by browsers and shared caches (nginx, a CDN):
# `Cache-Control: public, max-age=N, s-maxage=N, stale-while-revalidate=S`. After a change, a
# visitor sees the new page within N + S seconds (plus PAGE_CACHE_GENERATION_TTL). 0: `no-cache`
# (the default in development and tests, where pages change under the same address).
PAGE_HTTP_MAX_AGE = envint("DJANGO_PAGE_HTTP_MAX_AGE", 0 if (TESTING or DEBUG) else 60)
PAGE_HTTP_STALE_SECONDS = envint("DJANGO_PAGE_HTTP_STALE_SECONDS", 30)

# Security headers. The proxy in front terminates TLS and sets X-Forwarded-Proto.
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
# DJANGO_HTTPS=false: to try the production image on one's own machine over plain HTTP (never
# in production): no redirect to HTTPS, no HSTS, cookies without Secure, and `check --deploy`
# does not stop bin/start for it (bin/start says so at start-up).
HTTPS = envbool("DJANGO_HTTPS", True)
if not (DEBUG or TESTING):
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SECURE_SSL_REDIRECT = HTTPS and envbool("DJANGO_SECURE_SSL_REDIRECT", True)
    # The container's health check speaks plain HTTP from inside.
    SECURE_REDIRECT_EXEMPT = [r"^sante/$"]
    SECURE_HSTS_SECONDS = envint("DJANGO_HSTS_SECONDS", 31536000) if HTTPS else 0
    SECURE_HSTS_INCLUDE_SUBDOMAINS = envbool("DJANGO_HSTS_INCLUDE_SUBDOMAINS", True)
    SECURE_HSTS_PRELOAD = envbool("DJANGO_HSTS_PRELOAD", True)
    SESSION_COOKIE_SECURE = HTTPS
    CSRF_COOKIE_SECURE = HTTPS
    if not HTTPS:
        # HSTS, SSL redirect, secure session and CSRF cookies: turned off on purpose.
        SILENCED_SYSTEM_CHECKS = ["security.W004", "security.W008", "security.W012", "security.W016"]
SESSION_COOKIE_HTTPONLY = True
# Request bodies. The only file the site takes is a back-office import, 2 MB at most
# (proposals/forms.py): every request body is capped a little above (413 otherwise, before it
# is read; the proxy in front should refuse it too: see README, «Sécurité»). Form fields without
# files: 1 MB (400 otherwise). An import file stays in memory, never in a temporary file.
MAX_REQUEST_BODY_SIZE = 3 * 1024 * 1024
DATA_UPLOAD_MAX_MEMORY_SIZE = 1024 * 1024
FILE_UPLOAD_MAX_MEMORY_SIZE = int(2.5 * 1024 * 1024)
# Features the site never uses, refused to every page and to anything embedded in it.
PERMISSIONS_POLICY = ", ".join(
    f"{feature}=()"
    for feature in [
        "accelerometer",
        "browsing-topics",
        "camera",
        "display-capture",
        "geolocation",
        "gyroscope",
        "magnetometer",
        "microphone",
        "payment",
        "usb",
    ]
)

# Content-Security-Policy (django-csp): our own files only, no inline script or style.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF],
        "style-src": [SELF],
        "img-src": [SELF, "data:"],
        "font-src": [SELF],
        "object-src": [NONE],
        "base-uri": [SELF],
        "form-action": [SELF],
        "frame-ancestors": [NONE],
    }
}

# The public address (https://…): the absolute links inside the review's documents come from
# here, never from a request's Host header. Required in production.
SITE_URL = os.environ.get("SITE_URL", "http://testserver" if TESTING else "").rstrip("/")
if not (SITE_URL or DEBUG or TESTING):
    raise ImproperlyConfigured("SITE_URL is required when DJANGO_DEBUG is not true (see .env.example).")
# Passkeys (WebAuthn, django-otp-webauthn), as a second factor only (never instead of the
# password). A passkey is bound to its relying party id: the site's host name (SITE_URL's by
# default); changing it later makes every registered passkey useless. The origins allowed to use
# them: SITE_URL's by default. Browsers only offer passkeys on https:// or http://localhost (never
# on an IP address, nor on http://testserver), and django-otp-webauthn's system check refuses any
# other origin: in development, tests and a plain-HTTP trial (DJANGO_HTTPS=false), an http
# SITE_URL elsewhere (`make run`'s http://127.0.0.1:8000) uses http://localhost on the same port
# for passkeys instead.
SECOND_FACTOR_PASSKEYS = envbool("SECOND_FACTOR_PASSKEYS", True)
_site = urlsplit(SITE_URL)
_passkey_origin = SITE_URL
_plain_http = DEBUG or TESTING or not envbool("DJANGO_HTTPS", True)
if _plain_http and not (_site.scheme == "https" or (_site.scheme == "http" and _site.hostname == "localhost")):
    _passkey_origin = f"http://localhost:{_site.port or 8000}"
OTP_WEBAUTHN_RP_ID = os.environ.get("OTP_WEBAUTHN_RP_ID") or urlsplit(_passkey_origin).hostname or "localhost"
OTP_WEBAUTHN_RP_NAME = os.environ.get("OTP_WEBAUTHN_RP_NAME") or OTP_TOTP_ISSUER
OTP_WEBAUTHN_ALLOWED_ORIGINS = envlist("OTP_WEBAUTHN_ALLOWED_ORIGINS", _passkey_origin)
OTP_WEBAUTHN_ALLOW_PASSWORDLESS_LOGIN = False
# The licence of the open data and the published documents, as the data package and the
# catalogue (/donnees/) declare it: Licence Ouverte 2.0 (Etalab) by default, the licence French
# public bodies publish under; set both to the convention's own licence.
OPEN_DATA_LICENSE_URL = os.environ.get(
    "OPEN_DATA_LICENSE_URL", "https://www.etalab.gouv.fr/licence-ouverte-open-licence/"
)
OPEN_DATA_LICENSE_TITLE = os.environ.get("OPEN_DATA_LICENSE_TITLE", "Licence Ouverte / Open Licence version 2.0")
# When the pages are rendered for the static archive (`manage.py archive_site`), the moment it
# is made: every page then says it is an archive and drops what needs the server. Never set on
# the live site; the command sets it while it renders.
SITE_ARCHIVED_AT = None
# Whom to tell about a vulnerability (/.well-known/security.txt): comma-separated
# "mailto:…" or "https://…" addresses (a bare e-mail address gets "mailto:"). None: no file.
SECURITY_CONTACT = envlist("SECURITY_CONTACT")
# Whom a follower writes to about its personal data (its address), as the privacy notice
# (/donnees-personnelles/) says: an e-mail address or a postal address, in the publisher's words.
# Empty: the notice names the convention's addressees (Convention.addressed_to).
PRIVACY_CONTACT = os.environ.get("PRIVACY_CONTACT", "")
# How many days the web server's access logs (nginx, gunicorn: client address, page, time) are
# kept, as the privacy notice says: set the host's log rotation to the same number of days.
ACCESS_LOG_DAYS = envint("ACCESS_LOG_DAYS", 14)
# Following by e-mail: requests to follow accepted per client in any hour (a sliding hour; a
# client is its IPv4 address or its IPv6 /64; counted in the database, where every process sees
# it; beyond: the same answer, no message). Besides, at most one confirmation message per
# mailbox per day.
FOLLOW_MAX_REQUESTS_PER_HOUR = envint("FOLLOW_MAX_REQUESTS_PER_HOUR", 10)

# Outgoing mail (the followers' messages) through an SMTP server; unset, a local one on port 25.
# In development without EMAIL_HOST, the worker prints the messages instead of sending them.
EMAIL_BACKEND = os.environ.get("EMAIL_BACKEND") or (
    "django.core.mail.backends.console.EmailBackend"
    if DEBUG and not os.environ.get("EMAIL_HOST")
    else "django.core.mail.backends.smtp.EmailBackend"
)
EMAIL_HOST = os.environ.get("EMAIL_HOST") or "localhost"
EMAIL_PORT = envint("EMAIL_PORT", 25)
EMAIL_HOST_USER = os.environ.get("EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD = os.environ.get("EMAIL_HOST_PASSWORD", "")
EMAIL_USE_TLS = envbool("EMAIL_USE_TLS", False)
EMAIL_USE_SSL = envbool("EMAIL_USE_SSL", False)
EMAIL_TIMEOUT = envint("EMAIL_TIMEOUT", 30)
DEFAULT_FROM_EMAIL = os.environ.get("DEFAULT_FROM_EMAIL") or "suivi@localhost"

# Background work (Django's Tasks API): the database backend keeps the queue in the site's
# own database, so a small city's server needs no broker; `manage.py db_worker` runs it.
TASKS = {"default": {"BACKEND": os.environ.get("TASKS_BACKEND") or "django_tasks_db.DatabaseBackend"}}
# The followers' messages: how many a task sends, and how a failed delivery is retried
# (FOLLOW_MAX_ATTEMPTS in all, waiting FOLLOW_RETRY_SECONDS, then twice as long each time, at
# most FOLLOW_RETRY_MAX_SECONDS): by default after 1, 2, 4 … 256 minutes, then every 6 hours,
# 17 attempts over about 50 hours, so that a mail server away for two days loses nothing.
FOLLOW_BATCH_SIZE = envint("FOLLOW_BATCH_SIZE", 100)
FOLLOW_MAX_ATTEMPTS = envint("FOLLOW_MAX_ATTEMPTS", 17)
FOLLOW_RETRY_SECONDS = envint("FOLLOW_RETRY_SECONDS", 60)
FOLLOW_RETRY_MAX_SECONDS = envint("FOLLOW_RETRY_MAX_SECONDS", 6 * 3600)
# How long the worker waits for the SMTP server at each step of a message (connecting, each
# command, the data): shorter than EMAIL_TIMEOUT, so that a server that hangs costs one wait,
# after which the rest of the batch is put back for later and the queue's other tasks run.
FOLLOW_SMTP_TIMEOUT = envint("FOLLOW_SMTP_TIMEOUT", 10)

IMPORT_EXPORT_USE_TRANSACTIONS = True
IMPORT_EXPORT_SKIP_ADMIN_LOG = False
# Off on purpose: in django-import-export 4.4 it only strips a leading «=» (not +, -, @) and
# turns every cell into text («None» for an empty one), which breaks the XLSX round trip. The
# resources neutralise formulas themselves (proposals/spreadsheet.py, FrenchResource.after_export).
IMPORT_EXPORT_ESCAPE_FORMULAE_ON_EXPORT = False

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": os.environ.get("DJANGO_LOG_LEVEL", "WARNING")},
}

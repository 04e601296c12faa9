"""The static archive of the public site: every public page, stored document, open-data file and
static file written into a directory that any static host (or a file browser) serves, under any
path, for as long as the files are kept.

The pages are rendered in this process by the site's own views (Django's test Client: no server),
with `SITE_ARCHIVED_AT` set, so each says it is an archive and leaves out what needs the server,
and with the page cache off, so no archive page is ever served to a visitor of the live site.
The crawl starts from the sitemap's pages and every stored document, and follows the links the
pages contain (the table's filter, sort and page links included), within a bound. Every link is
then rewritten relative to the file that holds it (`/propositions/?axe=x` becomes
`propositions/index-axe-x.html`). Data files (documents, CSV, JSON, feed) keep their bytes: they
are the record, and their SHA-256 is the one the live site publishes. `SHA256SUMS` lists every
file (`sha256sum -c SHA256SUMS` checks a copy), and LISEZMOI.html says when and from what the
archive was made.
"""

import hashlib
import html
import mimetypes
import os
import posixpath
import re
import shutil
import subprocess
import tempfile
from collections import deque
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from urllib.parse import parse_qsl, urlsplit

from django.conf import settings
from django.contrib.staticfiles import finders
from django.http.request import validate_host
from django.template.loader import render_to_string
from django.templatetags.static import static
from django.test import Client, override_settings
from django.urls import Resolver404, resolve, reverse
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext as _

from proposals.models import Convention
from reports.models import ReviewDocument

from .sitemaps import SITEMAPS

# A bound on the crawl: the table's links (filters × sort × pages) are followed, not enumerated,
# and a site that offered endless combinations would still give a finite archive.
MAX_FILES = 5000
MANIFEST = "SHA256SUMS"
README = "LISEZMOI.html"
# The folder of the data files the site serves at its root (the table's CSV and JSON under each
# of its filters and sorts: dozens of files): the archive's top level keeps only its home page,
# this readme, the manifest and a few folders.
DATA_FOLDER = "donnees"
# Paths never archived: the back office, and what lists the live site's addresses.
EXCLUDED_PREFIXES = ("/admin/", "/sitemap.xml", "/sante/")

LINK_ATTRIBUTE = re.compile(r'(\s(?:href|src)=")([^"]*)(")')
CSS_URL = re.compile(r"""url\(\s*(['"]?)([^'")]+)\1\s*\)""")
EXTENSIONS = {"text/html": ".html", "application/rss+xml": ".xml", "application/xml": ".xml", "text/xml": ".xml"}


@dataclass
class Fetched:
    url: str  # path and query, as the site writes it: "/propositions/?axe=x"
    content: bytes
    content_type: str
    name: str = ""  # the file in the archive: "propositions/index-axe-x.html"


@dataclass
class Archive:
    directory: Path
    made_at: datetime
    files: dict[str, Fetched] = field(default_factory=dict)  # url -> what it became
    missing: list[str] = field(default_factory=list)  # links the site answers with an error
    truncated: bool = False


class ArchiveError(Exception):
    """Why no archive was written (a French message for whoever runs the command)."""


def archive_site(directory: Path, *, made_at: datetime | None = None) -> Archive:
    """Write the archive into `directory`, which must not exist yet (or be an empty directory,
    not a link). Raises ArchiveError, having written nothing there, when the target is taken or
    a page does not answer.

    The files are written into a fresh directory this function creates beside the target (no
    one else can have planted anything in it), then renamed into place: the rename never
    follows a link, and fails if anything appeared in the target meanwhile."""
    target = Path(directory)
    _check_target(target)
    archive = Archive(directory=target, made_at=made_at or timezone.now())
    _check_host()
    no_page_cache = {"PAGE_CACHE_SECONDS": 0, "PAGE_HTTP_MAX_AGE": 0}
    with override_settings(SITE_ARCHIVED_AT=archive.made_at, **no_page_cache):
        _crawl(archive)
    if archive.missing:
        raise ArchiveError(
            _(
                "Archive non écrite : %(count)s page(s) du site ne répondent pas, dont %(url)s. "
                "Vérifiez que le site répond, puis relancez la commande."
            )
            % {"count": len(archive.missing), "url": archive.missing[0]}
        )
    _name_files(archive)
    target.parent.mkdir(parents=True, exist_ok=True)
    fresh = Path(tempfile.mkdtemp(prefix=f".{target.name}-", suffix=".partiel", dir=target.parent))
    try:
        _write(archive, fresh)
        fresh.chmod(0o755)
        _move_into_place(fresh, target)
    except BaseException:
        shutil.rmtree(fresh, ignore_errors=True)
        raise
    return archive


def _check_target(target: Path) -> None:
    if target.is_symlink():
        raise ArchiveError(_("« %(directory)s » est un lien : choisissez un nouveau dossier.") % {"directory": target})
    if target.exists() and (not target.is_dir() or any(target.iterdir())):
        raise ArchiveError(
            _("« %(directory)s » existe et n'est pas un dossier vide : choisissez un nouveau dossier.")
            % {"directory": target}
        )


def _move_into_place(fresh: Path, target: Path) -> None:
    """Rename the finished archive `fresh` to `target` (an empty directory there is replaced)."""
    try:
        if target.is_dir() and not target.is_symlink():
            target.rmdir()  # fails if anything was put in it meanwhile
        os.rename(fresh, target)  # a directory over a link or a non-empty directory: refused
    except OSError as error:
        _check_target(target)  # says what took the target, if that is the cause
        raise ArchiveError(
            _("Impossible de mettre l'archive à « %(directory)s » : %(error)s") % {"directory": target, "error": error}
        ) from error


def _check_host() -> None:
    """The site answers only for its allowed hosts: refuse at once, clearly, when the archive's
    visitor (SITE_URL) would not be one of them, rather than crawl pages that all fail."""
    host = _client_host()
    allowed = settings.ALLOWED_HOSTS or ([".localhost", "127.0.0.1", "[::1]"] if settings.DEBUG else [])
    if not validate_host(host, allowed):
        raise ArchiveError(
            _(
                "Archive non écrite : l'hôte de SITE_URL (« %(host)s ») n'est pas dans DJANGO_ALLOWED_HOSTS "
                "(%(allowed)s), le site ne lui répond pas. Ajoutez-le à DJANGO_ALLOWED_HOSTS ou corrigez SITE_URL."
            )
            % {"host": host, "allowed": ", ".join(allowed) or "—"}
        )


def start_urls() -> list[str]:
    """Every page of the sitemap, the feed, and each stored document at its version's own URL and
    at the default URL (the latest version of its year)."""
    urls = []
    for sitemap in SITEMAPS.values():
        site_map = sitemap()
        urls += [site_map.location(item) for item in site_map.items()]
    urls.append(reverse("public_site:feed"))
    documents = ReviewDocument.objects.select_related("version__review").order_by(
        "version__review__year", "version__number", "fmt"
    )
    for document in documents:
        urls += [
            document.get_absolute_url(),
            reverse(f"public_site:review-{document.fmt}", args=[document.version.review.year]),
        ]
    return list(dict.fromkeys(urls))


def _client_host() -> str:
    """The public address's host (SITE_URL), or the first allowed host."""
    host = urlsplit(settings.SITE_URL).hostname if settings.SITE_URL else None
    return host or settings.ALLOWED_HOSTS[0].lstrip(".")


def _client() -> Client:
    """A visitor of the public address (SITE_URL), or of the first allowed host."""
    return Client(
        HTTP_HOST=_client_host(), secure=settings.SITE_URL.startswith("https://") or settings.SECURE_SSL_REDIRECT
    )


def _crawl(archive: Archive) -> None:
    client = _client()
    queue = deque(start_urls())
    seen = set(queue)
    while queue:
        url = queue.popleft()
        if len(archive.files) >= MAX_FILES:
            archive.truncated = True
            break
        fetched = _fetch(client, url)
        if fetched is None:
            archive.missing.append(url)
            continue
        archive.files[url] = fetched
        for link in _links(fetched):
            target = site_url(link, base=url)
            if target is not None and target not in seen:
                seen.add(target)
                queue.append(target)


def _fetch(client: Client, url: str) -> Fetched | None:
    if url.startswith(settings.STATIC_URL):
        return _static_file(url)
    response = client.get(url, follow=True)
    if response.status_code != 200:
        return None
    content = b"".join(response.streaming_content) if response.streaming else response.content
    return Fetched(url=url, content=content, content_type=response.headers.get("Content-Type", "").split(";")[0])


def _static_file(url: str) -> Fetched | None:
    """A static file from the collected files (hashed names in production) or, before any
    collectstatic (development, tests), from the finders."""
    name = urlsplit(url).path.removeprefix(settings.STATIC_URL)
    path = None
    if settings.STATIC_ROOT and (Path(settings.STATIC_ROOT) / name).is_file():
        path = Path(settings.STATIC_ROOT) / name
    else:
        found = finders.find(name)
        path = Path(found) if found else None
    if path is None:
        return None
    content_type = mimetypes.guess_type(name)[0] or "application/octet-stream"
    return Fetched(url=url, content=path.read_bytes(), content_type=content_type)


def _links(fetched: Fetched) -> list[str]:
    if fetched.content_type == "text/html":
        return [html.unescape(match[2]) for match in LINK_ATTRIBUTE.finditer(fetched.content.decode())]
    if fetched.content_type == "text/css":
        return [match[2] for match in CSS_URL.finditer(fetched.content.decode())]
    return []


def site_url(link: str, *, base: str) -> str | None:
    """The path and query on this site that `link` (found on page `base`) designates, or None for
    another site, a fragment, an e-mail address or a path the archive leaves out."""
    parts = urlsplit(link)
    if parts.scheme or parts.netloc:
        if parts.scheme not in ("http", "https", "") or parts.netloc not in _site_hosts():
            return None
    if not parts.path and not parts.query:
        return None  # "#section": the same page
    path = posixpath.normpath(posixpath.join(posixpath.dirname(urlsplit(base).path), parts.path or urlsplit(base).path))
    if (parts.path or urlsplit(base).path).endswith("/") and not path.endswith("/"):
        path += "/"
    if path.startswith(EXCLUDED_PREFIXES):
        return None
    if not path.startswith(settings.STATIC_URL) and not _root_file(path):
        try:
            resolve(path)
        except Resolver404:
            return None
    return path + (f"?{parts.query}" if parts.query else "")


def _root_file(path: str) -> bool:
    """A file served at the site's root (WHITENOISE_ROOT: the favicon), not by a view."""
    name = path.removeprefix("/")
    return bool(name) and "/" not in name and (Path(settings.WHITENOISE_ROOT) / name).is_file()


def _site_hosts() -> set[str]:
    hosts = {urlsplit(settings.SITE_URL).netloc} if settings.SITE_URL else set()
    return hosts | {host.lstrip(".") for host in settings.ALLOWED_HOSTS if host != "*"}


def _name_files(archive: Archive) -> None:
    """Each URL's file name: `/` → index.html, `/bilans/2025/` → bilans/2025/index.html, a query in
    the name (`/propositions/?axe=x` → propositions/index-axe-x.html), the feed as .xml, a data
    file of the root in DATA_FOLDER (`/propositions.csv?axe=x` → donnees/propositions-axe-x.csv)."""
    taken = {README, MANIFEST}
    for fetched in archive.files.values():
        parts = urlsplit(fetched.url)
        path = parts.path.lstrip("/")
        if not path or path.endswith("/"):
            stem = path + "index"
            extension = (
                EXTENSIONS.get(fetched.content_type) or mimetypes.guess_extension(fetched.content_type) or ".html"
            )
        else:
            stem, extension = posixpath.splitext(path)
            if "/" not in stem:
                stem = f"{DATA_FOLDER}/{stem}"
        if parts.query:
            words = slugify(
                " ".join(f"{key} {_readable(value)}" for key, value in parse_qsl(parts.query, keep_blank_values=True))
            )
            stem += f"-{words[:80]}"
            if len(words) > 80:
                stem += "-" + hashlib.sha256(parts.query.encode()).hexdigest()[:8]
        if f"{stem}{extension}" in taken:  # a name already given (to the readme, another query…)
            stem += "-" + hashlib.sha256(fetched.url.encode()).hexdigest()[:8]
        fetched.name = f"{stem}{extension}"
        taken.add(fetched.name)


def _readable(value: str) -> str:
    """A query value for a file name: the table's descending order (`tri=-titre`) is `titre-desc`."""
    return f"{value[1:]} desc" if value.startswith("-") else value


def _relative_link(link: str, fetched: Fetched, archive: Archive) -> str:
    """`link` as written on `fetched`'s page, pointing to its file in the archive, relative."""
    target = site_url(link, base=fetched.url)
    if target is None or target not in archive.files:
        return link
    fragment = urlsplit(link).fragment
    relative = posixpath.relpath(archive.files[target].name, posixpath.dirname(fetched.name) or ".")
    return relative + (f"#{fragment}" if fragment else "")


def _rewritten(fetched: Fetched, archive: Archive) -> bytes:
    """Pages and stylesheets with their links made relative; every other file byte for byte."""
    if fetched.content_type == "text/html":
        text = LINK_ATTRIBUTE.sub(
            lambda m: m[1] + html.escape(_relative_link(html.unescape(m[2]), fetched, archive)) + m[3],
            fetched.content.decode(),
        )
        return text.encode()
    if fetched.content_type == "text/css":
        text = CSS_URL.sub(
            lambda m: f"url({m[1]}{_relative_link(m[2], fetched, archive)}{m[1]})", fetched.content.decode()
        )
        return text.encode()
    return fetched.content


def _write(archive: Archive, directory: Path) -> None:
    """Write the archive's files into `directory`, a fresh one: each file is created, never
    opened through a link or over an existing file."""
    for fetched in archive.files.values():
        path = directory / fetched.name
        path.parent.mkdir(parents=True, exist_ok=True)
        _create(path, _rewritten(fetched, archive))
    readme = render_to_string(
        "public_site/reviews/archive_readme.html",
        {
            "convention": Convention.current(),
            "made_at": archive.made_at,
            "site_url": settings.SITE_URL,  # "" in development: the readme then names no origin
            "stylesheets": _stylesheets(archive),
            "release": source_release(),
            "file_count": len(archive.files),
            "manifest": MANIFEST,
            "data_folder": DATA_FOLDER,
        },
    )
    _create(directory / README, readme.encode())
    names = sorted([fetched.name for fetched in archive.files.values()] + [README])
    lines = [f"{hashlib.sha256((directory / name).read_bytes()).hexdigest()}  {name}\n" for name in names]
    _create(directory / MANIFEST, "".join(lines).encode())


def _stylesheets(archive: Archive) -> list[str]:
    """The site's stylesheets as archived (relative to the readme, at the top level), for the
    readme to look like the pages it opens."""
    urls = [static("css/site.css")]
    return [archive.files[url].name for url in urls if url in archive.files]


def _create(path: Path, content: bytes) -> None:
    """Write a new file at `path`: refused (FileExistsError) if anything, a link included, is there."""
    descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_NOFOLLOW, 0o644)
    with os.fdopen(descriptor, "wb") as file:
        file.write(content)


def source_release() -> str:
    """What the site ran: RELEASE_ID (the deploy's release, e.g. the commit), else the git commit
    of the code, else an empty string."""
    release = os.environ.get("RELEASE_ID", "")
    if release:
        return release
    try:
        result = subprocess.run(
            ["git", "rev-parse", "HEAD"], cwd=settings.BASE_DIR, capture_output=True, text=True, timeout=5, check=False
        )
    except OSError:
        return ""
    return result.stdout.strip() if result.returncode == 0 else ""

"""The static archive of the public site (`manage.py archive_site`): built from the Clermont data,
served by `python -m http.server` under a sub-path, crawled like a visitor would."""

import os
import re
import shutil
import socket
import subprocess
import sys
import time
from html.parser import HTMLParser
from pathlib import Path
from urllib.error import HTTPError, URLError
from urllib.parse import urljoin, urlsplit
from urllib.request import urlopen

import pytest
from django.core.management import CommandError, call_command

from public_site import archive as archive_module
from public_site.archive import MANIFEST, README, archive_site
from reports.models import AnnualReview, ReviewDocument
from reports.publication import review_open_correction, review_publish
from tests.factory import make_convention, make_review
from tests.snapshots import replayed

pytestmark = pytest.mark.engine_independent(
    "the archive's files and links; the pages it saves are tested on both engines"
)

SUB_PATH = "/archives/suivi-clermont/"


class Page(HTMLParser):
    """The links (href, src) of a page, and the text of its <main> without what needs the server:
    its forms, and its asides (the card to embed and the feed to follow)."""

    def __init__(self, text: str):
        super().__init__()
        self.links: list[str] = []
        self.words: list[str] = []
        self._main = self._form = 0
        self.feed(text)

    def handle_starttag(self, tag, attrs):
        self.links += [value for name, value in attrs if name in ("href", "src") and value]
        self._main += tag == "main"
        self._form += tag in ("form", "aside")

    def handle_endtag(self, tag):
        self._main -= tag == "main"
        self._form -= tag in ("form", "aside")

    def handle_data(self, data):
        if self._main and not self._form:
            self.words += data.split()

    @property
    def main_text(self) -> str:
        return " ".join(self.words)


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.fixture(scope="module")
def served(tmp_path_factory):
    """A static host serving a folder of its own, for the module: the Clermont archive is
    written under SUB_PATH inside it."""
    tmp_path = tmp_path_factory.mktemp("static-host")
    port = free_port()
    server = subprocess.Popen(
        [sys.executable, "-m", "http.server", str(port), "--bind", "127.0.0.1", "--directory", str(tmp_path)],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    root = f"http://127.0.0.1:{port}"
    for _ in range(100):
        try:
            urlopen(root + "/", timeout=1).close()
            break
        except URLError:
            time.sleep(0.05)
    yield tmp_path, root
    server.terminate()
    server.wait(timeout=10)


def get(url: str) -> tuple[int, bytes]:
    try:
        with urlopen(url, timeout=10) as response:
            return response.status, response.read()
    except HTTPError as error:
        return error.code, b""


def build_small_site():
    make_convention(3)
    make_review(2025, documents=True)


@pytest.fixture
def small_site(db):
    """A convention of three proposals, its 2025 review published with its documents: for the
    tests about the archive's making rather than its content (cheaper than the Clermont data)."""
    replayed(build_small_site)


@pytest.fixture(scope="module")
def _archives() -> dict:
    return {}


@pytest.fixture
def clermont_archive(clermont, served, _archives):
    """The archive of the Clermont data, written once for the module's tests (each test has the
    same data again: `clermont` replays it, same rows, same keys); the tests only read it."""
    directory, root = served
    if "clermont" not in _archives:
        started = time.monotonic()
        _archives["clermont"] = archive_site(directory / SUB_PATH.strip("/"))
        print(f"Clermont archive: {len(_archives['clermont'].files)} files in {time.monotonic() - started:.1f} s")
    return _archives["clermont"], root + SUB_PATH


def test_it_serves_every_link_from_the_archive_under_a_sub_path(clermont_archive):
    archive, base = clermont_archive
    assert not archive.missing and not archive.truncated
    to_visit, visited, broken, leaving = [base + README, base + "index.html"], set(), [], []
    while to_visit:
        url = to_visit.pop()
        if url in visited:
            continue
        visited.add(url)
        status, body = get(url)
        if status != 200:
            broken.append(url)
            continue
        if not url.endswith(".html"):
            continue
        for link in Page(body.decode()).links:
            target = urljoin(url, link).split("#")[0]
            if urlsplit(link).netloc:
                leaving.append((url, link))  # the site's own pages link nowhere outside by themselves
            elif target.startswith(base):
                to_visit.append(target)
            else:
                broken.append(f"{link} on {url} leaves the archive's folder")
    assert broken == []
    assert not [link for page, link in leaving if urlsplit(link).hostname in ("testserver", "127.0.0.1", "localhost")]
    # Every page of the archive is reached by following links.
    pages = {base + name for name in (f.name for f in archive.files.values()) if name.endswith(".html")}
    assert pages - visited == set()


def test_each_page_says_what_the_live_site_says_marked_as_an_archive(clermont_archive, citizen):
    archive, base = clermont_archive
    pages = [fetched for fetched in archive.files.values() if fetched.name.endswith(".html")]
    for fetched in pages:
        page = get(base + fetched.name)[1].decode()
        assert Page(page).main_text == Page(citizen.get(fetched.url).content.decode()).main_text, fetched.url
        assert "Archive du site de suivi, figée le" in page, fetched.url
        assert "<form" not in page and "/admin/" not in page and "sitemap.xml" not in page, fetched.url
        assert "code-carte" not in page and "application/atom+xml" not in page, fetched.url  # no server to ask
    home = Page(get(base + "index.html")[1].decode()).main_text
    review = Page(get(base + "bilans/2025/index.html")[1].decode()).main_text
    assert re.search(r"\d+ %", home) and re.search(r"\d+ %", review)
    # The table under the links its pages offer: filters, both sort orders, their open data.
    names = {fetched.name for fetched in archive.files.values()}
    assert {
        "bilans/2025/index.html",
        "propositions/index-axe-sociale.html",
        "propositions/index-tri-titre.html",
        "propositions/index-tri-titre-desc.html",
        "propositions/index-axe-sociale-tri-statut.html",
        "donnees/propositions-axe-sociale.csv",
        "donnees/propositions-axe-sociale.json",
    } <= names
    # The live site is untouched: no banner, its filter form.
    live = citizen.get("/propositions/").content.decode()
    assert "Archive du site" not in live and 'class="filters"' in live


def test_the_top_level_stays_readable_the_data_files_in_their_folder(clermont_archive, served):
    archive, _base = clermont_archive
    directory = served[0] / SUB_PATH.strip("/")
    top_files = {path.name for path in directory.iterdir() if path.is_file()}
    folders = {path.name for path in directory.iterdir() if path.is_dir()}
    names = [fetched.name for fetched in archive.files.values()]
    data_files = [name for name in names if name.endswith((".csv", ".json"))]

    assert top_files == {"index.html", README, MANIFEST}
    assert "donnees" in folders and len(folders) <= 8
    assert len(data_files) > 20  # the table's filters and sorts, each with its open data
    assert not [name for name in data_files if "/" not in name]


def test_every_relative_link_of_an_archived_page_resolves_to_a_file_of_the_archive(clermont_archive, served):
    directory = served[0] / SUB_PATH.strip("/")
    pages = sorted(directory.rglob("*.html"))
    broken = []
    for page in pages:
        for link in Page(page.read_text()).links:
            parts = urlsplit(link)
            if parts.scheme or parts.netloc or not parts.path:
                continue  # another site, or a place on the same page
            target = (page.parent / parts.path).resolve()
            if not target.is_file() or directory.resolve() not in target.parents:
                broken.append(f"{link} on {page.relative_to(directory)}")

    assert directory / README in pages and len(pages) > 50
    assert broken == []


def test_the_readme_has_the_site_look_and_says_where_the_archive_comes_from(clermont_archive, served, settings):
    directory = served[0] / SUB_PATH.strip("/")
    readme = (directory / README).read_text()
    stylesheets = re.findall(r'<link rel="stylesheet" href="([^"]+)"', readme)

    assert stylesheets and all((directory / href).is_file() for href in stylesheets)
    assert any("site" in href and href.endswith(".css") for href in stylesheets)
    assert f"Site d'origine : {settings.SITE_URL}" in readme
    assert "non renseigné" not in readme


def test_the_readme_without_a_configured_address_claims_none(small_site, tmp_path, settings):
    settings.SITE_URL = ""
    settings.ALLOWED_HOSTS = ["testserver"]
    archive_site(tmp_path)
    readme = (tmp_path / README).read_text()

    assert "non renseigné" not in readme and "Site d'origine" not in readme
    assert "Archive faite le" in readme


def test_the_live_page_cache_never_mixes_with_the_archive(small_site, page_cache, citizen, tmp_path):
    citizen.get("/")  # cached for visitors
    archive_site(tmp_path)
    assert "Archive du site" in (tmp_path / "index.html").read_text()
    assert "Archive du site" not in citizen.get("/").content.decode()


def test_documents_keep_their_bytes_and_the_manifest_verifies(clermont_archive, served, tmp_path):
    archive, base = clermont_archive
    directory = served[0] / SUB_PATH.strip("/")
    for document in ReviewDocument.objects.select_related("version__review"):
        year, number = document.version.review.year, document.version.number
        stored = bytes(document.content)
        assert get(f"{base}bilans/{year}/v{number}.{document.fmt}")[1] == stored
        assert (directory / f"bilans/{year}.{document.fmt}").read_bytes() == stored  # the only version
    assert get(base + "donnees/propositions.csv")[0] == 200 and get(base + "flux/index.xml")[0] == 200
    check = subprocess.run(["sha256sum", "--strict", "-c", MANIFEST], cwd=directory, capture_output=True, text=True)
    assert check.returncode == 0, check.stdout + check.stderr
    listed = {line.split("  ", 1)[1] for line in (directory / MANIFEST).read_text().splitlines()}
    written = {str(path.relative_to(directory)) for path in directory.rglob("*") if path.is_file()}
    assert listed == written - {MANIFEST}
    readme = (directory / README).read_text()
    assert "Archive faite le" in readme and "http://testserver" in readme and "sha256sum -c SHA256SUMS" in readme
    # A changed byte is caught (in a copy: the other tests read the archive).
    copy = shutil.copytree(directory, tmp_path / "copie")
    (copy / "index.html").write_text("modifié")
    assert subprocess.run(["sha256sum", "--quiet", "-c", MANIFEST], cwd=copy, capture_output=True).returncode == 1


def test_the_command_writes_into_a_new_folder_only(small_site, tmp_path, capsys):
    call_command("archive_site", str(tmp_path / "archive"))
    assert (tmp_path / "archive" / MANIFEST).is_file()
    assert "fichiers écrits" in capsys.readouterr().out
    with pytest.raises(CommandError, match="n'est pas un dossier vide"):
        call_command("archive_site", str(tmp_path / "archive"))
    assert Path(tmp_path / "archive" / "index.html").is_file()


def test_a_rectified_review_keeps_each_version_and_the_default_is_the_latest(small_site, tmp_path):
    review = AnnualReview.objects.get(year=2025)
    review_open_correction(review, reason="Un statut corrigé.")
    review_publish(review)
    archive = archive_site(tmp_path)
    documents = {
        (d.version.number, d.fmt): bytes(d.content) for d in ReviewDocument.objects.filter(version__review=review)
    }
    assert {number for number, _ in documents} == {1, 2}
    for (number, fmt), content in documents.items():
        assert (tmp_path / f"bilans/2025/v{number}.{fmt}").read_bytes() == content
        if number == 2:
            assert (tmp_path / f"bilans/2025.{fmt}").read_bytes() == content
    assert not archive.missing


def test_a_link_planted_in_the_target_while_it_crawls_is_never_followed(small_site, tmp_path, monkeypatch):
    """The archive is written into a fresh directory of its own, then renamed into place: what
    someone plants in the target meanwhile is never written through, and the archive refuses."""
    victim = tmp_path / "victime.txt"
    victim.write_text("à garder")
    target = tmp_path / "archive"
    crawl = archive_module._crawl

    def crawl_then_plant(archive):
        crawl(archive)
        target.mkdir()
        (target / "index.html").symlink_to(victim)
        (target / MANIFEST).symlink_to(victim)

    monkeypatch.setattr(archive_module, "_crawl", crawl_then_plant)

    with pytest.raises(CommandError, match="n'est pas un dossier vide"):
        call_command("archive_site", str(target))

    assert victim.read_text() == "à garder"
    assert sorted(path.name for path in tmp_path.iterdir()) == ["archive", "victime.txt"]  # no partial copy left


def test_a_target_that_is_a_link_is_refused(small_site, tmp_path):
    elsewhere = tmp_path / "ailleurs"
    elsewhere.mkdir()
    (tmp_path / "archive").symlink_to(elsewhere)

    with pytest.raises(CommandError, match="est un lien"):
        call_command("archive_site", str(tmp_path / "archive"))

    assert not any(elsewhere.iterdir())


def test_a_site_that_does_not_answer_fails_with_one_french_message(small_site, tmp_path, settings, capsys):
    """SITE_URL's host not allowed: every page answered 400, and the archive wrote nothing,
    printed «Lien sans page» a hundred times and exited 0."""
    settings.SITE_URL = "https://suivi.example.org"
    settings.ALLOWED_HOSTS = ["autre.example.org"]

    with pytest.raises(CommandError) as refused:
        call_command("archive_site", str(tmp_path / "archive"))

    assert "suivi.example.org" in str(refused.value) and "DJANGO_ALLOWED_HOSTS" in str(refused.value)
    assert "Lien sans page" not in capsys.readouterr().err
    assert not (tmp_path / "archive").exists() and not any(tmp_path.iterdir())


def test_a_page_that_fails_fails_the_archive(small_site, tmp_path, monkeypatch):
    fetch = archive_module._fetch

    def fetch_but_the_reviews(client, url):
        return None if url == "/bilans/" else fetch(client, url)

    monkeypatch.setattr(archive_module, "_fetch", fetch_but_the_reviews)

    with pytest.raises(CommandError, match="/bilans/"):
        call_command("archive_site", str(tmp_path / "archive"))

    assert not any(tmp_path.iterdir())


def test_the_command_exits_non_zero(small_site, tmp_path):
    """`manage.py archive_site` in a shell script: the exit status says it failed."""
    (tmp_path / "archive").symlink_to(tmp_path)
    result = subprocess.run(
        [sys.executable, "manage.py", "archive_site", str(tmp_path / "archive")],
        capture_output=True,
        text=True,
        cwd=Path(__file__).resolve().parent.parent,
        env={
            **os.environ,
            "DJANGO_DEBUG": "true",
            "DJANGO_SECRET_KEY": "test-only",
            "DATABASE_URL": f"sqlite:///{tmp_path / 'db.sqlite3'}",
        },
    )

    assert result.returncode == 1
    assert "est un lien" in result.stderr

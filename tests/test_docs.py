"""The README and docs/ describe the tree as it is: every file or folder they name exists, every
`manage.py` command they give is a command of the project, every `make` target is in the
Makefile, and every page of docs/ is linked from the README."""

import re
from pathlib import Path

import pytest
from django.core.management import get_commands

ROOT = Path(__file__).resolve().parent.parent
PAGES = [ROOT / "README.md", *sorted((ROOT / "docs").glob("*.md"))]

# A path of the project as the docs write it: `proposals/search.py`, `bin/start`, `templates/`.
PATH = re.compile(r"(?<![\w./-])((?:[a-z_]+/)+[\w.-]*)(?![\w/])")
COMMAND = re.compile(r"manage\.py ([a-z_]+)")
MAKE = re.compile(r"`make ([a-z-]+)")
# Paths the docs name that live elsewhere than the checkout (a server's folders, examples).
ELSEWHERE = (
    "req/",
    "srv/",
    "application/",
    "tmp/",
    "etc/",
    "usr/",
    "var/",
    "bilans/",
    "propositions/",
    "suivre/",
    "projets/",
    "axes/",
    "admin/",
    "donnees/",
    "flux/",
    "docs/guide/",
    "archives/",
    "static/css/site.css",
)


def words(page: Path, pattern: re.Pattern) -> set[str]:
    found = set()
    for code in re.findall(r"`([^`]+)`", page.read_text()) + re.findall(r"```.*?```", page.read_text(), re.S):
        found.update(pattern.findall(code))
    return found


def named_paths(page: Path) -> set[Path]:
    """The paths a page names; in a row of a table that starts with a folder (the code's layout),
    a name is read within that folder when the checkout has it there."""
    found = set()
    for line in page.read_text().splitlines():
        folder = re.match(r"\| `((?:[a-z_]+/)+)` \|", line)
        for code in re.findall(r"`([^`]+)`", line):
            for path in PATH.findall(code):
                if path.startswith(ELSEWHERE) or "<" in path or "…" in path:
                    continue
                inside = ROOT / folder.group(1) / path if folder else None
                found.add(inside if inside is not None and inside.exists() else ROOT / path)
    return found


@pytest.mark.parametrize("page", PAGES, ids=lambda page: page.name)
def test_every_path_named_exists(page):
    missing = sorted(str(path.relative_to(ROOT)) for path in named_paths(page) if not path.exists())
    assert missing == [], f"{page.name} names what the tree does not have"


@pytest.mark.parametrize("page", PAGES, ids=lambda page: page.name)
def test_every_command_given_exists(page):
    commands = get_commands()
    assert sorted(words(page, COMMAND) - set(commands)) == []


@pytest.mark.parametrize("page", PAGES, ids=lambda page: page.name)
def test_every_make_target_exists(page):
    makefile = (ROOT / "Makefile").read_text()
    targets = set(re.findall(r"^([a-z-]+):", makefile, re.M))
    assert sorted(words(page, MAKE) - targets) == []


def test_the_readme_is_short_and_links_every_page():
    readme = (ROOT / "README.md").read_text()
    assert len(readme.splitlines()) <= 200
    for page in PAGES[1:]:
        assert f"docs/{page.name}" in readme


def test_the_guide_shows_the_screenshots_the_browser_tests_take():
    guide = (ROOT / "docs" / "guide-equipe.md").read_text()
    assert re.findall(r"\]\((guide/[\w-]+\.png)\)", guide)

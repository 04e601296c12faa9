"""`core` is the bottom of the house: it imports nothing of the project, so every app may build
on it without an import circle."""

import ast
from pathlib import Path

from django.conf import settings

ROOT = Path(settings.BASE_DIR)
PROJECT_PACKAGES = {path.parent.name for path in ROOT.glob("*/__init__.py")} - {"core"}


def imported_modules(path: Path) -> set[str]:
    """The top-level packages a module imports (relative imports stay inside its own package)."""
    tree = ast.parse(path.read_text(), filename=str(path))
    modules = set()
    for node in ast.walk(tree):  # imports inside functions too
        if isinstance(node, ast.Import):
            modules.update(alias.name.split(".")[0] for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.level == 0:
            modules.add(node.module.split(".")[0])
    return modules


def test_core_imports_nothing_of_the_project():
    assert {"convention", "proposals", "reports"} <= PROJECT_PACKAGES
    modules = sorted((ROOT / "core").rglob("*.py"))
    assert modules
    upward = {
        str(path.relative_to(ROOT)): sorted(imported_modules(path) & PROJECT_PACKAGES)
        for path in modules
        if imported_modules(path) & PROJECT_PACKAGES
    }
    assert upward == {}

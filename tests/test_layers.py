"""The house's layers are import-linter contracts (pyproject.toml, `[tool.importlinter]`, run by
`make lint`): each app imports only its own layer or those below, no cycle between the modules of
an app, project modules imported at module level only (tests/import_contracts.py). The suite runs
them too, so an upward import fails it."""

import subprocess
import sys
import tomllib
from pathlib import Path

from tests.import_contracts import violations

ROOT = Path(__file__).resolve().parent.parent
CONFIG = tomllib.loads((ROOT / "pyproject.toml").read_text())["tool"]["importlinter"]


def test_the_import_contracts_are_kept():
    lint_imports = Path(sys.executable).parent / "lint-imports"
    result = subprocess.run(
        [lint_imports, "--no-logo", "--no-cache"], cwd=ROOT, capture_output=True, text=True, check=False
    )

    assert result.returncode == 0, result.stdout + result.stderr
    assert f"Contracts: {len(CONFIG['contracts'])} kept, 0 broken." in result.stdout


def test_every_app_of_the_project_has_a_layer():
    apps = {path.parent.name for path in ROOT.glob("*/apps.py")}
    (layers,) = [contract for contract in CONFIG["contracts"] if contract["type"] == "layers"]
    in_layers = {app.strip() for layer in layers["layers"] for app in layer.replace("|", ":").split(":")}

    assert apps <= set(CONFIG["root_packages"]) == in_layers


def _package(root: Path, files: dict[str, str]) -> Path:
    for name, text in files.items():
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text)
    return root


def test_an_import_inside_a_function_or_a_model_looked_up_by_name_is_found(tmp_path):
    root = _package(
        tmp_path,
        {
            "proposals/__init__.py": "",
            "proposals/models.py": "import json\n",
            "proposals/apps.py": "def ready():\n    from . import models\n",
            "proposals/migrations/0002_data.py": "def forward(apps, editor):\n    apps.get_model('reports', 'X')\n",
            "reports/__init__.py": "",
            "reports/models.py": (
                "from django.apps import apps\n"
                "from proposals.models import json\n"
                "class Review:\n"
                "    def rows(self):\n"
                "        from proposals.models import Proposal\n"
                "        import json\n"
                "        return apps.get_model('assessments', 'CommitteeVersion')\n"
            ),
        },
    )

    assert violations(root, ["proposals", "reports", "assessments"]) == [
        "reports.models → proposals  line 5 (inside a function)",
        "reports.models → assessments  line 7 (looked up)",
    ]

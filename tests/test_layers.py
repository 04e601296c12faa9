"""The house's layers, read from the source (ast, nothing imported): the project's modules import
each other without a cycle, each app imports only its own layer or those below it, and no import
of a project module hides inside a function (where it would dodge a cycle instead of solving it).

Bottom to top: core and publishing (they import nothing of the project, not even each other),
proposals, reports, assessments, then public_site and follow (the read side and the e-mail alerts),
then convention (settings, root urls: nothing imports it). accounts (staff accounts) sits beside
public_site and follow: it needs core only."""

import ast
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

LAYERS = [
    {"core", "publishing"},
    {"proposals"},
    {"reports"},
    {"assessments"},
    {"public_site", "follow", "accounts"},
    {"convention"},
]
# An app may import its own layer and those below it; the bottom layer's apps import only themselves.
ALLOWED = {
    app: ({app} if depth == 0 else set().union(*LAYERS[: depth + 1]))
    for depth, layer in enumerate(LAYERS)
    for app in layer
}
APPS = sorted(ALLOWED)
NOT_APP_CODE = {"migrations", "tests", "__pycache__"}


@dataclass(frozen=True)
class Import:
    source: str  # the importing module: "public_site.views"
    target: str  # the imported project module: "reports.summary"
    line: int
    in_function: bool
    looked_up: bool = False  # `apps.get_model("reports", …)`: an import by another name

    def __str__(self) -> str:
        where = " (looked up)" if self.looked_up else " (inside a function)" if self.in_function else ""
        return f"{self.source} → {self.target}  line {self.line}{where}"

    @property
    def apps(self) -> tuple[str, str]:
        return self.source.partition(".")[0], self.target.partition(".")[0]


def project_modules(root: Path, apps) -> dict[str, Path]:
    """Every module of `apps` under `root` (migrations and tests left out), by dotted name; a
    package is its `__init__.py`."""
    modules = {}
    for app in apps:
        for path in sorted((root / app).rglob("*.py")):
            parts = path.relative_to(root).with_suffix("").parts
            if NOT_APP_CODE & set(parts):
                continue
            if parts[-1] == "__init__":
                parts = parts[:-1]
            modules[".".join(parts)] = path
    return modules


class _ImportCollector(ast.NodeVisitor):
    """The imports of one module at every depth, each noted inside a function or not, and the
    apps whose models it looks up by name (`apps.get_model("assessments", "CommitteeVersion")`)."""

    def __init__(self):
        self.found: list[tuple[ast.Import | ast.ImportFrom, bool]] = []
        self.looked_up: list[tuple[str, int]] = []  # (app label, line)
        self.functions = 0

    def _function(self, node):
        self.functions += 1
        self.generic_visit(node)
        self.functions -= 1

    visit_FunctionDef = visit_AsyncFunctionDef = visit_Lambda = _function

    def visit_Import(self, node):
        self.found.append((node, self.functions > 0))

    visit_ImportFrom = visit_Import

    def visit_Call(self, node):
        if isinstance(node.func, ast.Attribute) and node.func.attr == "get_model" and node.args:
            first = node.args[0]
            if isinstance(first, ast.Constant) and isinstance(first.value, str):
                self.looked_up.append((first.value.partition(".")[0], node.lineno))
        self.generic_visit(node)


def _known(name: str, modules) -> str | None:
    """`name`, or the closest package above it, among `modules`."""
    while name and name not in modules:
        name = name.rpartition(".")[0]
    return name or None


def module_imports(name: str, path: Path, modules) -> list[Import]:
    """The project modules (among `modules`) that module `name` imports."""
    collector = _ImportCollector()
    collector.visit(ast.parse(path.read_text(), filename=str(path)))
    package = name if path.name == "__init__.py" else name.rpartition(".")[0]
    imports = []
    for node, in_function in collector.found:
        if isinstance(node, ast.Import):
            targets = [_known(alias.name, modules) for alias in node.names]
        else:
            base = node.module or ""
            if node.level:
                anchor = package.split(".")[: len(package.split(".")) - (node.level - 1)]
                base = ".".join(anchor + ([node.module] if node.module else []))
            # `from reports import publication` imports the module reports.publication.
            targets = [_known(f"{base}.{alias.name}", modules) for alias in node.names]
        for target in dict.fromkeys(targets):
            if target and target != name:
                imports.append(Import(name, target, node.lineno, in_function))
    for label, line in collector.looked_up:
        target = _known(f"{label}.models", modules)
        if target and target != name:
            imports.append(Import(name, target, line, in_function=False, looked_up=True))
    return imports


def import_graph(root: Path, apps) -> list[Import]:
    """Every import of a project module by a module of `apps` (all of them count as project modules)."""
    modules = project_modules(root, apps)
    return [found for name, path in modules.items() for found in module_imports(name, path, modules)]


def cycles(imports: list[Import]) -> list[list[Import]]:
    """The imports that close a cycle, grouped by strongly connected set of modules (Tarjan)."""
    graph: dict[str, set[str]] = {}
    for found in imports:
        graph.setdefault(found.source, set()).add(found.target)
        graph.setdefault(found.target, set())
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    components: list[set[str]] = []

    def visit(node: str) -> None:
        index[node] = low[node] = len(index)
        stack.append(node)
        for successor in sorted(graph[node]):
            if successor not in index:
                visit(successor)
                low[node] = min(low[node], low[successor])
            elif successor in stack:
                low[node] = min(low[node], index[successor])
        if low[node] == index[node]:
            component = set()
            while True:
                member = stack.pop()
                component.add(member)
                if member == node:
                    break
            if len(component) > 1:
                components.append(component)

    for node in sorted(graph):
        if node not in index:
            visit(node)
    return [
        sorted((found for found in imports if found.source in component and found.target in component), key=str)
        for component in components
    ]


def upward(imports: list[Import]) -> list[Import]:
    """The imports of an app above the importer's layer."""
    return [found for found in imports if found.apps[1] not in ALLOWED[found.apps[0]]]


def in_functions(imports: list[Import]) -> list[Import]:
    """The imports inside a function, except in an app's `apps.py`: Django imports it before any
    model, so its `ready()` and signal receivers import the models when called, by design."""
    return [found for found in imports if found.in_function and not found.source.endswith(".apps")]


def _listed(imports) -> str:
    return "\n".join(str(found) for found in imports)


def test_the_house_has_no_import_cycle():
    found = cycles(import_graph(ROOT, APPS))
    assert not found, "Import cycles:\n\n" + "\n\n".join(_listed(cycle) for cycle in found)


def test_each_app_imports_only_its_layer_or_below():
    found = upward(import_graph(ROOT, APPS))
    assert not found, "Imports above the importer's layer:\n" + _listed(found)


def test_no_project_module_is_imported_inside_a_function():
    found = in_functions(import_graph(ROOT, APPS))
    assert not found, "Imports inside a function:\n" + _listed(found)


def _package(root: Path, files: dict[str, str]) -> Path:
    for name, text in files.items():
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text)
    return root


def test_a_planted_cycle_is_found(tmp_path):
    root = _package(
        tmp_path,
        {
            "proposals/__init__.py": "",
            "proposals/models.py": "from reports.models import Review\n",
            "proposals/migrations/0001_initial.py": "from public_site import views\n",
            "reports/__init__.py": "",
            "reports/models.py": "from . import summary\n",
            "reports/summary.py": "import proposals.models\nimport django.db\n",
            "public_site/__init__.py": "",
            "public_site/views.py": "from reports import summary\n",
        },
    )
    imports = import_graph(root, ["proposals", "reports", "public_site"])

    assert [[str(found) for found in cycle] for cycle in cycles(imports)] == [
        [
            "proposals.models → reports.models  line 1",
            "reports.models → reports.summary  line 1",
            "reports.summary → proposals.models  line 1",
        ]
    ]
    assert [str(found) for found in upward(imports)] == ["proposals.models → reports.models  line 1"]


def test_a_house_in_layers_passes(tmp_path):
    root = _package(
        tmp_path,
        {
            "proposals/__init__.py": "",
            "proposals/models.py": "from django.db import models\n",
            "reports/__init__.py": "",
            "reports/models.py": "from proposals.models import Proposal\nfrom .summary import rate\n",
            "reports/summary.py": "from proposals import models\n",
            "public_site/__init__.py": "",
            "public_site/views.py": "from reports.summary import rate\nfrom proposals import models\n",
        },
    )
    imports = import_graph(root, ["proposals", "reports", "public_site"])

    assert len(imports) == 5
    assert cycles(imports) == [] and upward(imports) == [] and in_functions(imports) == []


def test_an_import_inside_a_function_is_found(tmp_path):
    root = _package(
        tmp_path,
        {
            "proposals/__init__.py": "",
            "proposals/models.py": "",
            "reports/__init__.py": "",
            "reports/models.py": (
                "class Review:\n"
                "    def rows(self):\n"
                "        from proposals.models import Proposal  # the reviews depend on the proposals\n"
                "        import json\n"
            ),
        },
    )
    imports = import_graph(root, ["proposals", "reports"])

    assert [str(found) for found in in_functions(imports)] == [
        "reports.models → proposals.models  line 3 (inside a function)"
    ]


def test_a_model_looked_up_by_name_is_an_import(tmp_path):
    root = _package(
        tmp_path,
        {
            "reports/__init__.py": "",
            "reports/models.py": "",
            "reports/years.py": (
                "from django.apps import apps\n"
                "def committee():\n"
                "    return apps.get_model('assessments', 'CommitteeVersion')\n"
            ),
            "assessments/__init__.py": "",
            "assessments/models.py": "from reports.models import Review\n",
        },
    )
    imports = import_graph(root, ["reports", "assessments"])

    assert [str(found) for found in upward(imports)] == ["reports.years → assessments.models  line 3 (looked up)"]
    assert in_functions(imports) == []


def test_the_bottom_layer_imports_nothing_of_the_project():
    assert ALLOWED["publishing"] == {"publishing"} and ALLOWED["core"] == {"core"}
    below = {"core", "publishing", "proposals", "reports", "assessments"}
    assert ALLOWED["public_site"] == below | {"public_site", "follow", "accounts"}


def test_every_app_of_the_project_has_a_layer():
    apps = {path.parent.name for path in ROOT.glob("*/apps.py")}
    assert apps <= set(ALLOWED), f"Apps without a layer: {sorted(apps - set(ALLOWED))}"

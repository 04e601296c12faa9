"""An import-linter contract of the house (pyproject.toml, `[tool.importlinter]`): a project
module is imported at module level, where the layers and no-cycles contracts see it, never inside
a function, where it would dodge a cycle instead of solving it; nor is a model of another app
looked up by name (`apps.get_model("assessments", …)`), an import by another name. An app's
`apps.py` is the exception: Django imports it before any model, so its `ready()` and signal
receivers import the models when called, by design. Migrations replay history: left out."""

import ast
from pathlib import Path

from importlinter.application import output
from importlinter.domain.contract import Contract, ContractCheck


class _Collector(ast.NodeVisitor):
    def __init__(self):
        self.found: list[tuple[ast.AST, str]] = []  # (node, "function" | "lookup")
        self.depth = 0

    def _function(self, node):
        self.depth += 1
        self.generic_visit(node)
        self.depth -= 1

    visit_FunctionDef = visit_AsyncFunctionDef = visit_Lambda = _function

    def visit_Import(self, node):
        if self.depth:
            self.found.append((node, "function"))

    visit_ImportFrom = visit_Import

    def visit_Call(self, node):
        first = node.args[0] if node.args else None
        if (
            isinstance(node.func, ast.Attribute)
            and node.func.attr == "get_model"
            and isinstance(first, ast.Constant)
            and isinstance(first.value, str)
        ):
            self.found.append((node, "lookup"))
        self.generic_visit(node)


def _targets(node, package: str, own_app: str) -> set[str]:
    """The top-level packages an import or a lookup names (a relative import: its own app)."""
    if isinstance(node, ast.Call):
        return {node.args[0].value.partition(".")[0]}
    if isinstance(node, ast.Import):
        return {alias.name.partition(".")[0] for alias in node.names}
    return {own_app} if node.level else {(node.module or "").partition(".")[0]}


def violations(root: Path, packages) -> list[str]:
    """«module → app  line N (inside a function | looked up)» for every import that breaks the rule."""
    packages = set(packages)
    found = []
    for package in sorted(packages):
        for path in sorted((root / package).rglob("*.py")):
            parts = path.relative_to(root).with_suffix("").parts
            if "migrations" in parts or parts[-1] == "apps":
                continue
            module = ".".join(parts[:-1] if parts[-1] == "__init__" else parts)
            collector = _Collector()
            collector.visit(ast.parse(path.read_text(), filename=str(path)))
            for node, kind in collector.found:
                for target in sorted(_targets(node, module, package) & packages):
                    if kind == "lookup" and target == package:
                        continue
                    where = "inside a function" if kind == "function" else "looked up"
                    found.append(f"{module} → {target}  line {node.lineno} ({where})")
    return found


class ModuleLevelContract(Contract):
    type_name = "module_level"

    def check(self, graph, verbose: bool) -> ContractCheck:
        found = violations(Path.cwd(), self.session_options["root_packages"])
        return ContractCheck(kept=not found, metadata={"violations": found})

    def render_broken_contract(self, check: ContractCheck) -> None:
        for line in check.metadata["violations"]:
            output.print_error(line, bold=False)
            output.new_line()

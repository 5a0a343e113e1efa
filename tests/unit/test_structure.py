"""The product's modules import each other without a circle, the domain answers no HTTP
request of its own, and the import contracts of `pyproject.toml` (run by `make lint` as
`lint-imports`) hold."""

from __future__ import annotations

import ast
from pathlib import Path

import grimp


def circles(edges: dict[str, set[str]]) -> list[list[str]]:
    """Return the groups of modules that reach each other (Tarjan's strongly connected
    components of more than one module)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found: list[list[str]] = []

    def visit(module: str) -> None:
        index[module] = low[module] = len(index)
        stack.append(module)
        on_stack.add(module)
        for imported in sorted(edges[module]):
            if imported not in index:
                visit(imported)
                low[module] = min(low[module], low[imported])
            elif imported in on_stack:
                low[module] = min(low[module], index[imported])
        if low[module] == index[module]:
            group = []
            while True:
                member = stack.pop()
                on_stack.discard(member)
                group.append(member)
                if member == module:
                    break
            if len(group) > 1:
                found.append(sorted(group))

    for module in sorted(edges):
        if module not in index:
            visit(module)
    return found


def test_the_circle_finder_finds_a_circle() -> None:
    edges = {"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}
    assert circles(edges) == [["a", "b", "c"]]


def test_no_module_of_the_product_imports_itself_round_a_circle() -> None:
    graph = grimp.build_graph("backend", "workflows")
    modules = {m for m in graph.modules if ".migrations" not in m}
    edges = {
        m: {i for i in graph.find_modules_directly_imported_by(m) if i in modules} for m in modules
    }
    assert circles(edges) == []


# What only an interface may use. import-linter forbids an external package only as a whole
# (`django`, never `django.http`), so these are looked for here.
HTTP = ("django.http", "django.views", "django.shortcuts", "rest_framework")
ROOT = Path(__file__).resolve().parents[2]


def domain_modules() -> list[Path]:
    """Return the engine's modules and each app's models, services, selectors and steps."""
    layers = ("models", "services", "selectors", "steps")
    found = [path for layer in layers for path in (ROOT / "backend").glob(f"*/{layer}.py")]
    return sorted([*found, *(ROOT / "workflows").glob("*.py")])


def runtime_imports(source: str) -> list[str]:
    """Return every module the source imports when it runs; what it imports only under
    `if TYPE_CHECKING:` names a type and is left out."""
    names: list[str] = []

    class Imports(ast.NodeVisitor):
        def visit_If(self, node: ast.If) -> None:
            test = node.test
            if (isinstance(test, ast.Name) and test.id == "TYPE_CHECKING") or (
                isinstance(test, ast.Attribute) and test.attr == "TYPE_CHECKING"
            ):
                for statement in node.orelse:
                    self.visit(statement)
                return
            self.generic_visit(node)

        def visit_Import(self, node: ast.Import) -> None:
            names.extend(alias.name for alias in node.names)

        def visit_ImportFrom(self, node: ast.ImportFrom) -> None:
            if node.module and not node.level:
                names.append(node.module)
                names.extend(f"{node.module}.{alias.name}" for alias in node.names)

    Imports().visit(ast.parse(source))
    return names


def speaks_http(module: str) -> bool:
    return any(module == name or module.startswith(f"{name}.") for name in HTTP)


def test_the_import_scanner_sees_every_spelling_and_skips_type_only_imports() -> None:
    source = """
from typing import TYPE_CHECKING
import django.views.generic
from django import http
from rest_framework.response import Response
if TYPE_CHECKING:
    from django.shortcuts import render
"""
    found = {m for m in runtime_imports(source) if speaks_http(m)}
    assert found == {
        "django.views.generic",
        "django.http",
        "rest_framework.response",
        "rest_framework.response.Response",
    }


def test_the_domain_answers_no_http_request_of_its_own() -> None:
    modules = domain_modules()
    assert ROOT / "backend" / "agenda" / "services.py" in modules
    assert ROOT / "workflows" / "engine.py" in modules
    speaking = {
        str(path.relative_to(ROOT)): found
        for path in modules
        if (found := sorted(m for m in runtime_imports(path.read_text("utf-8")) if speaks_http(m)))
    }
    assert speaking == {}

"""The committed templates: what the generator makes, which fields they use, and that the
README tells a coordinator about every one of them. No database."""

from __future__ import annotations

import importlib.util
import re
from pathlib import Path
from types import ModuleType

import pytest
from docxtpl import DocxTemplate
from jinja2 import nodes
from jinja2.sandbox import SandboxedEnvironment

from tests.documents.samples import TEMPLATE_OF, TEMPLATES, read

README = TEMPLATES / "README.md"
TAG = re.compile(r"\{\{.*?\}\}|\{%.*?%\}", re.DOTALL)


def generator() -> ModuleType:
    spec = importlib.util.spec_from_file_location(
        "build_templates", TEMPLATES / "build_templates.py"
    )
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def jinja_source(path: Path) -> str:
    """Return the Jinja source docxtpl makes of a template: body, headers and footers."""
    template = DocxTemplate(str(path))
    template.init_docx()
    source = template.patch_xml(template.get_xml())
    for uri in (template.HEADER_URI, template.FOOTER_URI):
        for _key, part in template.get_headers_footers(uri):
            source += template.patch_xml(template.get_part_xml(part))
    return source


def tags(path: Path) -> list[str]:
    """Return the Jinja tags of a template, in order."""
    return [re.sub(r"\s+", " ", tag) for tag in TAG.findall(jinja_source(path))]


def dotted(node: nodes.Node) -> str | None:
    if isinstance(node, nodes.Name):
        return node.name
    if isinstance(node, nodes.Getattr):
        base = dotted(node.node)
        return f"{base}.{node.attr}" if base else None
    return None


def fields(path: Path) -> set[str]:
    """Return every field a template reads, as written: `meeting.date`, `entry.title`, …"""
    found: set[str] = set()

    def walk(node: nodes.Node) -> None:
        name = dotted(node)
        if name is not None and (not isinstance(node, nodes.Name) or node.ctx == "load"):
            found.add(name)
            return
        for child in node.iter_child_nodes():
            walk(child)

    walk(SandboxedEnvironment().parse(jinja_source(path)))
    return found


@pytest.fixture(scope="module")
def rebuilt(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    folder = tmp_path_factory.mktemp("templates")
    return {path.name: path for path in generator().build(folder)}


def test_the_generator_makes_the_four_templates(rebuilt: dict[str, Path]) -> None:
    assert set(rebuilt) == {path.name for path in TEMPLATE_OF.values()}


@pytest.mark.parametrize("name", [path.name for path in TEMPLATE_OF.values()])
def test_the_generator_reproduces_the_committed_templates_with_the_same_fields(
    rebuilt: dict[str, Path], name: str
) -> None:
    assert tags(rebuilt[name]) == tags(TEMPLATES / name)


def test_the_generator_gives_the_same_bytes_every_time(
    rebuilt: dict[str, Path], tmp_path: Path
) -> None:
    again = {path.name: path for path in generator().build(tmp_path)}
    for name, path in rebuilt.items():
        assert again[name].read_bytes() == path.read_bytes(), name


@pytest.mark.parametrize("kind", list(TEMPLATE_OF))
def test_every_field_of_a_template_is_documented_in_the_readme(kind: str) -> None:
    readme = README.read_text(encoding="utf-8")
    path = TEMPLATE_OF[kind]
    assert f"`{path.name}`" in readme
    undocumented = sorted(name for name in fields(path) if f"`{name}`" not in readme)
    assert undocumented == [], f"{path.name}: document {undocumented} in docs_templates/README.md"


@pytest.mark.parametrize("kind", list(TEMPLATE_OF))
def test_every_template_has_the_header_and_numbered_pages(kind: str) -> None:
    document = read(TEMPLATE_OF[kind].read_bytes())
    section = document.sections[0]
    assert section.header.paragraphs[0].text == "Midwestoverleg · {{ meeting.body }}"
    instructions = " ".join(
        element.text
        for element in section.footer._element.iter()
        if element.tag.endswith("}instrText")
    )
    assert "PAGE" in instructions and "NUMPAGES" in instructions
    assert round(section.page_width.cm, 1) == 21.0  # A4


@pytest.mark.parametrize("kind", list(TEMPLATE_OF))
def test_tags_only_carry_content_and_formatting_lives_in_styles(kind: str) -> None:
    document = read(TEMPLATE_OF[kind].read_bytes())
    used = {paragraph.style.name for paragraph in document.paragraphs}
    assert {"Title", "Subtitle"} <= used
    assert used <= {
        "Normal",
        "Title",
        "Subtitle",
        "Heading 1",
        "Heading 2",
        "Heading 3",
        "List Bullet",
        "Midwest Label",
        "Midwest Meta",
        "Midwest Notice",
    }
    assert all(not tag.startswith(("{{r", "{{p", "{%r")) for tag in tags(TEMPLATE_OF[kind]))

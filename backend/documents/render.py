"""Fill a Word template with a document's data: a pure function, data + template → bytes.

Nothing here reads the database. People's text is data, never markup or code: the Jinja
environment is sandboxed and escapes every value, and every value passes through
`as_word_text`, which also decides what becomes of line ends and tabs.
"""

from __future__ import annotations

import dataclasses
import re
import zipfile
from collections.abc import Mapping
from io import BytesIO
from pathlib import Path
from typing import IO, Any

from docx.opc.exceptions import PackageNotFoundError
from docx.shared import Mm
from docxtpl import DocxTemplate, InlineImage
from jinja2 import StrictUndefined, TemplateError
from jinja2.sandbox import SandboxedEnvironment
from lxml.etree import LxmlError
from markupsafe import Markup, escape

DOCX_CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"

# Characters an XML document cannot hold (python-docx and lxml refuse them) or that
# docxtpl would turn into structure after rendering (\a a new paragraph, \f a page break):
# the C0 and C1 control characters except tab and line feed, lone surrogates, U+FFFE/U+FFFF.
_UNWRITABLE = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\ud800-\udfff\ufffe\uffff]")

# Inside a <w:t> element: close the text, add the break (or tab), open a new text.
_LINE_BREAK = '</w:t><w:br/><w:t xml:space="preserve">'
_TAB = '</w:t><w:tab/><w:t xml:space="preserve">'


@dataclasses.dataclass(frozen=True)
class Picture:
    """An image a template shows where it prints the value (a PNG, at a width in mm)."""

    png: bytes
    width_mm: int = 160


class RenderError(Exception):
    """The template cannot be filled in (broken tag, unknown field, not a Word file)."""


def clean_text(value: str) -> str:
    """Return the text as a Word document can hold it: every line end a line feed,
    control characters removed, tabs and line feeds kept."""
    text = value.replace("\r\n", "\n").replace("\r", "\n")
    return _UNWRITABLE.sub("", text)


def as_word_text(value: Any) -> Markup:
    """Turn one value printed by a template into the XML of a run's text.

    A value is cleaned and escaped (a Markup value, a constant of the template or the
    result of `|e`, is escaped already); braces become character references because
    docxtpl rewrites "{_{" to "{{" in its output, which would change a person's text; a
    line feed becomes a line break and a tab a tab stop, so a rationale keeps its lines.
    """
    if value is None:
        return Markup("")
    if isinstance(value, InlineImage):
        # docxtpl's own drawing XML, made from our PNG: no person's text in it.
        return Markup(str(value))  # noqa: S704
    if isinstance(value, Markup):
        text = clean_text(str(value))
    else:
        text = str(escape(clean_text(str(value))))
    text = text.replace("{", "&#123;").replace("}", "&#125;")
    # Safe: the text was escaped above; only our own break and tab elements are added.
    return Markup(text.replace("\n", _LINE_BREAK).replace("\t", _TAB))  # noqa: S704


def environment() -> SandboxedEnvironment:
    """Return the Jinja environment of the templates: sandboxed, escaping, strict.

    Strict: a field the data does not have (a typo in a restyled template) stops the
    rendering with its name instead of leaving a silent gap in an official document.
    """
    env = SandboxedEnvironment(autoescape=True, finalize=as_word_text, undefined=StrictUndefined)
    # `|safe` would let a value through unescaped: a template that asks for it is refused.
    del env.filters["safe"]
    return env


def context_of(data: Any) -> dict[str, Any]:
    """Return the template's variables: the data's fields, except those marked internal."""
    if isinstance(data, Mapping):
        return dict(data)
    if dataclasses.is_dataclass(data) and not isinstance(data, type):
        return {
            f.name: getattr(data, f.name)
            for f in dataclasses.fields(data)
            if not f.metadata.get("internal")
        }
    raise TypeError(f"Cannot render {type(data).__name__}: give a dataclass or a mapping.")


def with_images(value: Any, document: DocxTemplate) -> Any:
    """The value with each Picture (in a tuple of records) as an image of the document."""
    if isinstance(value, Picture):
        return InlineImage(document, BytesIO(value.png), width=Mm(value.width_mm))
    if isinstance(value, tuple) and any(
        dataclasses.is_dataclass(item) and not isinstance(item, type) for item in value
    ):
        return tuple(
            {f.name: with_images(getattr(item, f.name), document) for f in dataclasses.fields(item)}
            if dataclasses.is_dataclass(item)
            and not isinstance(item, type)
            and any(isinstance(getattr(item, f.name), Picture) for f in dataclasses.fields(item))
            else item
            for item in value
        )
    return value


def render(data: Any, template: Path | str | IO[bytes]) -> bytes:
    """Fill the Word template (a path or an open file) with the data; return the bytes."""
    context = context_of(data)
    try:
        document = DocxTemplate(str(template) if isinstance(template, Path) else template)
        context = {name: with_images(value, document) for name, value in context.items()}
        document.render(context, jinja_env=environment())
        out = BytesIO()
        document.save(out)
    except (TemplateError, PackageNotFoundError, zipfile.BadZipFile, KeyError, LxmlError) as error:
        raise RenderError(f"{type(error).__name__}: {error}") from error
    return out.getvalue()

"""What an uploaded file really is, read from its first bytes and its structure, never
from its name or the type the browser claims."""

from __future__ import annotations

import zipfile
from dataclasses import dataclass
from typing import IO

from django.utils.translation import gettext as _

from workflows.errors import GuardFailed


@dataclass(frozen=True)
class FileKind:
    content_type: str
    extension: str
    label: str


PDF = FileKind("application/pdf", "pdf", "PDF")
DOCX = FileKind(
    "application/vnd.openxmlformats-officedocument.wordprocessingml.document", "docx", "Word"
)
XLSX = FileKind(
    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", "xlsx", "Excel"
)
PNG = FileKind("image/png", "png", "PNG")
JPEG = FileKind("image/jpeg", "jpg", "JPEG")
GIF = FileKind("image/gif", "gif", "GIF")
WEBP = FileKind("image/webp", "webp", "WebP")

# Office Open XML packages are ZIP files; the part that makes them Word or Excel decides.
OOXML_MAIN_PARTS = {"word/document.xml": DOCX, "xl/workbook.xml": XLSX}
OLE2 = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"


def is_macro_part(name: str) -> bool:
    """Whether a part of an Office package holds macros (a VBA project, or the binary
    parts that come with one) or an embedded ActiveX control."""
    lowered = name.lower()
    base = lowered.rsplit("/", 1)[-1]
    return base in ("vbaproject.bin", "vbadata.xml") or lowered.startswith(
        ("word/activex/", "xl/activex/", "ppt/activex/")
    )


def accepted_kinds() -> str:
    return _(
        "Only PDF, Word (.docx), Excel (.xlsx) and images (PNG, JPEG, GIF, WebP) can be attached."
    )


def refuse(reason: str) -> GuardFailed:
    return GuardFailed([reason])


def sniff(handle: IO[bytes]) -> FileKind:
    """Return the kind of the file, or refuse it with a reason the uploader understands."""
    handle.seek(0)
    head = handle.read(16)
    handle.seek(0)
    if head.startswith(b"%PDF-"):
        return PDF
    if head.startswith(b"\x89PNG\r\n\x1a\n"):
        return PNG
    if head.startswith(b"\xff\xd8\xff"):
        return JPEG
    if head[:6] in (b"GIF87a", b"GIF89a"):
        return GIF
    if head[:4] == b"RIFF" and head[8:12] == b"WEBP":
        return WEBP
    if head.startswith(b"PK\x03\x04"):
        return _office_package(handle)
    if head.startswith(OLE2):
        raise refuse(
            _("Old Word and Excel files (.doc, .xls) are refused: save as .docx or .xlsx.")
        )
    raise refuse(accepted_kinds())


def _office_package(handle: IO[bytes]) -> FileKind:
    try:
        with zipfile.ZipFile(handle) as package:
            names = set(package.namelist())
    except (zipfile.BadZipFile, OSError, ValueError):
        raise refuse(_("The file looks like a Word or Excel file but is damaged.")) from None
    finally:
        handle.seek(0)
    if "[Content_Types].xml" in names:
        if any(is_macro_part(name) for name in names):
            raise refuse(
                _(
                    "Files with macros (.docm, .xlsm, or a .docx or .xlsx that carries "
                    "macros) are refused: save the file without macros."
                )
            )
        for part, kind in OOXML_MAIN_PARTS.items():
            if part in names:
                return kind
    raise refuse(accepted_kinds())

"""Benchmark: converting each kind of document to PDF/A-2b, and signing and validating it.

Run with `make bench` (or `python -m tests.bench.bench_pdf`). Each kind (agenda, minutes,
decision list, follow-up report, excerpt) is rendered from the documents tests' sample
data, with one entry and with 25 where the kind lists entries, and converted by
LibreOffice headless exactly as the worker does (a new private profile each time, so
every run pays LibreOffice's start), median of 3; then the 25-entry decision list is
signed twice (a throwaway authority and two people) and both signatures validated.
Figures to var/bench/pdf.json; not part of the test suite.
"""

from __future__ import annotations

import argparse
import io
import json
import os
import platform
import statistics
import subprocess
import tempfile
import time
from dataclasses import replace
from pathlib import Path
from types import SimpleNamespace
from typing import Any

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "backend.config.settings")
os.environ.setdefault("SECRET_KEY", "benchmark-only-secret-key-long-enough-to-be-accepted")

import django

django.setup()

from django.test import override_settings  # noqa: E402

from backend.documents.pdf import docx_to_pdfa, soffice  # noqa: E402
from backend.documents.render import render  # noqa: E402
from backend.documents.services import template_path  # noqa: E402
from tests.documents.samples import ENTRY, sample  # noqa: E402

KINDS = ("agenda", "minutes", "decision_list", "followup_report", "excerpt")


def with_entries(kind: str, count: int) -> Any:
    """The sample of a kind with `count` entries (the excerpt has one decision anyway)."""
    data = sample(kind)
    if count == 1 or not hasattr(data, "entries"):
        return data
    entries = tuple(
        replace(ENTRY, number=n + 1, title=f"Agendapunt {n + 1}: {ENTRY.title}")
        for n in range(count)
    )
    return replace(data, entries=entries)


def pages_of(pdf: bytes) -> int:
    from pyhanko.pdf_utils.reader import PdfFileReader

    return int(PdfFileReader(io.BytesIO(pdf), strict=False).root["/Pages"]["/Count"])


def timed(work: Any, runs: int) -> tuple[float, Any]:
    times, result = [], None
    for _ in range(runs):
        start = time.perf_counter()
        result = work()
        times.append(time.perf_counter() - start)
    return statistics.median(times), result


def signing(pdf: bytes, runs: int) -> dict[str, float]:
    """Two signatures in turn and their validation, with a throwaway authority."""
    from backend.demo.signatures import demo_certificates
    from backend.documents.signing import credentials_for, pdf_sign, pdf_signatures_check

    with tempfile.TemporaryDirectory() as folder:
        people = [SimpleNamespace(username=n, get_full_name=lambda n=n: n) for n in ("a", "b")]
        with override_settings(
            SIGNING_CERTIFICATES_DIR=Path(folder),
            SIGNING_TRUST_ROOTS=[str(Path(folder) / "ca.pem")],
            SIGNING_PASSPHRASE="",
        ):
            demo_certificates(people)
            keys = [credentials_for(person) for person in people]

            def both() -> bytes:
                once = pdf_sign(pdf, keys[0], field="Handtekening1", name="a", reason="a")
                return pdf_sign(once, keys[1], field="Handtekening2", name="b", reason="b")

            sign_s, signed = timed(both, runs)
            check_s, checked = timed(lambda: pdf_signatures_check(signed), runs)
    assert [c.valid for c in checked] == [True, True]
    return {"sign_two_s_median": round(sign_s, 3), "validate_two_s_median": round(check_s, 3)}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--out", default="var/bench/pdf.json")
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    program = soffice()
    if program is None:
        raise SystemExit("LibreOffice is not installed: nothing to measure.")
    version = subprocess.run(
        [program, "--version"], capture_output=True, text=True, check=False
    ).stdout.strip()
    rows = []
    decision_list_pdf = b""
    for kind in KINDS:
        for entries in (1, 25):
            if entries > 1 and not hasattr(sample(kind), "entries"):
                continue
            docx = render(with_entries(kind, entries), template_path(kind))
            seconds, pdf = timed(lambda docx=docx: docx_to_pdfa(docx), args.runs)
            if kind == "decision_list":
                decision_list_pdf = pdf
            rows.append(
                {
                    "kind": kind,
                    "entries": entries,
                    "docx_bytes": len(docx),
                    "pdf_bytes": len(pdf),
                    "pages": pages_of(pdf),
                    "convert_s_median": round(seconds, 3),
                }
            )
            print(rows[-1])
    figures = {
        "benchmark": "PDF/A-2b conversion per kind (LibreOffice headless), signing, validation",
        "machine": (
            f"{platform.machine()}, {os.cpu_count()} cores, Python {platform.python_version()}"
        ),
        "libreoffice": version,
        "date": time.strftime("%Y-%m-%d"),
        "runs": args.runs,
        "conversions": rows,
        "decision_list_25": signing(decision_list_pdf, args.runs),
    }
    out = Path(args.out)
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps(figures, indent=2) + "\n", encoding="utf-8")
    print(json.dumps(figures, indent=2))


if __name__ == "__main__":
    main()

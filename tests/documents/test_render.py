"""Rendering is a pure function: data and a template in, the bytes of a Word document out.
No database here; each document is read back with python-docx."""

from __future__ import annotations

import datetime as dt
import io
import zipfile
from dataclasses import replace
from pathlib import Path

import docx
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from backend.documents.data import dutch_date, dutch_time, names_list
from backend.documents.render import DOCX_CONTENT_TYPE, RenderError, clean_text, render
from tests.documents.samples import (
    TEMPLATE_OF,
    after_label,
    all_text,
    heading,
    read,
    sample,
)

KINDS = list(TEMPLATE_OF)


@pytest.mark.parametrize("kind", KINDS)
def test_each_template_renders_its_data_into_a_word_document(kind: str) -> None:
    content = render(sample(kind), TEMPLATE_OF[kind])
    document = read(content)
    text = "\n".join(all_text(document))
    assert "{{" not in text and "{%" not in text
    assert "Ruimtelijke ordening en mobiliteit" in text
    assert "Midwestoverleg · Ruimtelijke ordening en mobiliteit" in text  # the header
    assert "versie 2" in text  # the footer
    assert document.paragraphs[0].style.name == "Title"


def test_the_minutes_hold_attendance_rationale_note_decision_votes_and_actions() -> None:
    text = all_text(read(render(sample("minutes"), TEMPLATE_OF["minutes"])))
    for expected in (
        "Kurt Himpe, Roeselare (burgemeester)",
        "Luc Vannieuwenhuyze, Tielt (burgemeester)",
        "Het provinciale fietsfonds subsidieert bovenlokale fietsroutes.",
        "Tielt trekt het dossier.",
        "Besluit 2026/CL-RUIMTE/002: goedgekeurd",
        "De cluster keurt de gezamenlijke subsidieaanvraag goed.",
        "Stemming: 2 stemmen voor, 1 stem tegen, 0 onthoudingen.",
        "Voor: Izegem en Tielt",
        "Tegen: Roeselare",
        "Subsidiedossier indienen – Leen Verbeke (GIS-coördinator), tegen vrijdag 3 april 2026",
    ):
        assert expected in text, expected


def test_a_decision_by_consensus_says_so_instead_of_votes() -> None:
    data = sample("minutes")
    entry = data.entries[0]
    entry = replace(entry, decision=replace(entry.decision, consensus=True))
    text = all_text(read(render(replace(data, entries=(entry,)), TEMPLATE_OF["minutes"])))
    assert "Beslist bij consensus." in text
    assert not any(line.startswith("Stemming") for line in text)


def test_the_public_version_says_how_many_entries_it_leaves_out() -> None:
    data = sample("agenda")
    data = replace(data, document=replace(data.document, left_out=2))
    text = all_text(read(render(data, TEMPLATE_OF["agenda"])))
    notice = "Openbare versie: 2 agendapunt(en) in besloten zitting staan niet in deze versie."
    assert notice in text
    assert not any(line.startswith("Volledige versie") for line in text)


def test_the_full_version_says_it_is_confidential() -> None:
    data = sample("minutes")
    data = replace(data, document=replace(data.document, public=False))
    text = all_text(read(render(data, TEMPLATE_OF["minutes"])))
    assert any(line.startswith("Volledige versie") for line in text)


@pytest.mark.parametrize(
    "title",
    [
        "Wegen & <bruggen>",
        "Quotes \"dubbel\" en 'enkel' en ‘gekruld’ “ook”",
        "Fietsroute 🚲 met emoji 🇧🇪",
        "عنوان عربي ومختلط met Nederlands",
        "שלום עולם",
        "</w:t></w:r></w:p><w:p><w:r><w:t>ingevoegd",
        "]]><![CDATA[ &amp; &#123; &lt;",
    ],
)
def test_special_characters_stay_exactly_as_typed(title: str) -> None:
    document = read(render(sample("agenda", title=title, rationale=title), TEMPLATE_OF["agenda"]))
    assert heading(document) == f"1. {title}"
    assert after_label(document, "Toelichting") == title


def test_markup_in_a_text_cannot_add_a_paragraph() -> None:
    plain = read(render(sample("agenda"), TEMPLATE_OF["agenda"]))
    injected = read(
        render(
            sample("agenda", rationale="a</w:t></w:r></w:p><w:p><w:r><w:t>b"),
            TEMPLATE_OF["agenda"],
        )
    )
    assert len(injected.paragraphs) == len(plain.paragraphs)


@pytest.mark.parametrize(
    "title",
    [
        "{{ ''.__class__.__mro__[1].__subclasses__() }}",
        "{% for x in ''.__class__.__mro__ %}{{ x }}{% endfor %}",
        "{{ cycler.__init__.__globals__.os }}",
        "{_{ meeting.body }_} {_% if 1 %_}",
        "{#p commentaar #}",
    ],
)
def test_a_text_that_looks_like_a_template_tag_stays_literal_text(title: str) -> None:
    document = read(render(sample("decision_list", title=title), TEMPLATE_OF["decision_list"]))
    cells = [cell.text for cell in document.tables[0].rows[1].cells]
    assert cells[2].startswith(title + "\n")


def malicious_template(tmp_path: Path, tag: str) -> Path:
    template = docx.Document()
    template.add_paragraph(tag)
    path = tmp_path / "kwaad.docx"
    template.save(str(path))
    return path


@pytest.mark.parametrize(
    "tag",
    [
        "{{ meeting.__class__.__mro__[1].__subclasses__() }}",
        "{{ meeting.body.__class__.__base__ }}",
        "{{ cycler.__init__.__globals__ }}",
        "{{ document.__dataclass_fields__ }}",
    ],
)
def test_a_template_cannot_run_code(tmp_path: Path, tag: str) -> None:
    with pytest.raises(RenderError) as refused:
        render(sample("agenda"), malicious_template(tmp_path, tag))
    assert "SecurityError" in str(refused.value) or "UndefinedError" in str(refused.value)


def test_a_template_cannot_switch_escaping_off(tmp_path: Path) -> None:
    with pytest.raises(RenderError, match="safe"):
        render(sample("agenda"), malicious_template(tmp_path, "{{ meeting.body|safe }}"))
    # Escaping twice is harmless: the text still comes out as typed.
    template = malicious_template(tmp_path, "{{ entries[0].title|e }}")
    data = sample("agenda", title="A & <b> {_{ x")
    assert read(render(data, template)).paragraphs[0].text == "A & <b> {_{ x"


def test_a_misspelt_field_stops_the_rendering_with_its_name(tmp_path: Path) -> None:
    with pytest.raises(RenderError, match="datum"):
        render(sample("agenda"), malicious_template(tmp_path, "{{ meeting.datum }}"))


def test_a_file_that_is_not_a_word_document_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "agenda.docx"
    path.write_bytes(b"not a zip")
    with pytest.raises(RenderError):
        render(sample("agenda"), path)


def test_control_characters_are_removed_and_line_breaks_and_tabs_kept() -> None:
    rationale = "a\x00b\x07c\x0cd\x1be\r\nf\rg\th\x85i\ufffej"
    document = read(
        render(sample("agenda", rationale=rationale, title="T\x0bi\x08tel"), TEMPLATE_OF["agenda"])
    )
    assert after_label(document, "Toelichting") == "abcde\nf\ng\thij"
    assert heading(document) == "1. Titel"


def test_line_breaks_in_a_rationale_become_line_breaks_in_word() -> None:
    document = read(
        render(sample("agenda", rationale="Eerste lijn\nTweede lijn"), TEMPLATE_OF["agenda"])
    )
    paragraph = next(p for p in document.paragraphs if p.text.startswith("Eerste lijn"))
    assert paragraph.text == "Eerste lijn\nTweede lijn"
    assert len(paragraph._p.xpath(".//w:br")) == 1


def test_a_rationale_of_100000_characters_is_kept_whole() -> None:
    rationale = ("Een lange toelichting & <meer>. " * 3200)[:100_000]
    content = render(sample("minutes", rationale=rationale), TEMPLATE_OF["minutes"])
    assert after_label(read(content), "Toelichting") == rationale


def test_the_bytes_are_a_word_document() -> None:
    content = render(sample("agenda"), TEMPLATE_OF["agenda"])
    assert content[:2] == b"PK"
    assert DOCX_CONTENT_TYPE in read_content_types(content)


def read_content_types(content: bytes) -> str:
    with zipfile.ZipFile(io.BytesIO(content)) as archive:
        return archive.read("[Content_Types].xml").decode()


# Any character, and often the awkward ones: controls, line ends, lone surrogates.
UNICODE = st.text(
    alphabet=st.one_of(
        st.characters(),
        st.sampled_from("\x00\x07\x0b\x0c\x1f\r\n\t\x7f\x85\u2028\u202e\ufffe\uffff\ud800{}%_"),
    ),
    min_size=1,
    max_size=300,
)


@settings(
    max_examples=60,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow],
)
@given(text=UNICODE)
def test_any_unicode_text_comes_back_as_it_went_in_without_control_characters(
    text: str,
) -> None:
    content = render(sample("agenda", title=text, rationale=text), TEMPLATE_OF["agenda"])
    document = read(content)
    assert heading(document) == f"1. {clean_text(text)}"
    assert after_label(document, "Toelichting") == clean_text(text)


@given(text=UNICODE)
def test_cleaning_leaves_only_what_xml_can_hold(text: str) -> None:
    cleaned = clean_text(text)
    assert "\r" not in cleaned
    for char in cleaned:
        code = ord(char)
        assert char in "\t\n" or code >= 0x20
        assert not 0x7F <= code <= 0x9F
        assert not 0xD800 <= code <= 0xDFFF
        assert code not in (0xFFFE, 0xFFFF)


def test_dates_are_written_in_belgian_dutch() -> None:
    assert dutch_date(dt.date(2026, 3, 3)) == "dinsdag 3 maart 2026"
    assert dutch_date(dt.date(2027, 1, 12)) == "dinsdag 12 januari 2027"
    # 18:30 UTC is 19:30 in Brussels in winter, and 17:30 UTC is 19:30 in summer.
    assert dutch_time(dt.datetime(2026, 3, 3, 18, 30, tzinfo=dt.UTC)) == "19:30"
    assert dutch_time(dt.datetime(2026, 7, 1, 17, 30, tzinfo=dt.UTC)) == "19:30"
    # 23:30 UTC on 3 March is already 4 March in Brussels.
    assert dutch_date(dt.datetime(2026, 3, 3, 23, 30, tzinfo=dt.UTC)) == "woensdag 4 maart 2026"


def test_names_are_joined_as_in_a_dutch_sentence() -> None:
    assert names_list(["Izegem", "Roeselare", "Tielt"]) == "Izegem, Roeselare en Tielt"
    assert names_list(["Tielt"]) == "Tielt"
    assert names_list([]) == ""

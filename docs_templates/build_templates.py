"""Build the five Word templates of the region from scratch: the starting point a
coordinator then restyles in Word.

    .venv/bin/python docs_templates/build_templates.py [folder]

writes agenda.docx, notulen.docx, besluitenlijst.docx, opvolgingsrapport.docx and
uittreksel.docx into the
folder (this one by default). Run it once; the .docx files are committed. Running it again
overwrites a coordinator's restyling, so after that, change the templates in Word.

The output is byte for byte the same on every run (fixed dates in the document properties
and in the zip entries), so a rebuild that changes nothing shows no difference.
Formatting lives in named styles, the header and the footer; Jinja tags carry only content.
"""

from __future__ import annotations

import datetime as dt
import sys
import zipfile
from collections.abc import Callable, Iterable
from io import BytesIO
from pathlib import Path

from docx import Document
from docx.document import Document as DocumentObject
from docx.enum.section import WD_SECTION
from docx.enum.style import WD_STYLE_TYPE
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_TAB_ALIGNMENT
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Cm, Pt, RGBColor
from docx.styles.style import BaseStyle
from docx.table import Table, _Cell
from docx.text.paragraph import Paragraph

HERE = Path(__file__).resolve().parent
FIXED_TIME = dt.datetime(2026, 1, 1, tzinfo=dt.UTC)
ZIP_TIME = (2026, 1, 1, 0, 0, 0)

FONT = "Calibri"
INK = RGBColor(0x22, 0x22, 0x22)
NAVY = RGBColor(0x1F, 0x3A, 0x5F)
SLATE = RGBColor(0x5A, 0x6B, 0x7D)
RED = RGBColor(0x9C, 0x1C, 0x1C)
HEADER_FILL = "DCE3EC"

Part = str | tuple[str, str]
"""A run: its text, or (text, character style name)."""


# --- Styles -------------------------------------------------------------------------------


def set_font(style: BaseStyle, size: float, color: RGBColor, *, bold: bool = False) -> None:
    """Give a style one plain font; drop the theme fonts, which Word prefers over names."""
    font = style.font  # type: ignore[attr-defined]
    font.name = FONT
    font.size = Pt(size)
    font.bold = bold
    font.color.rgb = color
    fonts = style.element.get_or_add_rPr().get_or_add_rFonts()
    for attribute in ("asciiTheme", "hAnsiTheme", "eastAsiaTheme", "cstheme"):
        fonts.attrib.pop(qn(f"w:{attribute}"), None)
    for attribute in ("ascii", "hAnsi", "eastAsia", "cs"):
        fonts.set(qn(f"w:{attribute}"), FONT)


def paragraph_style(
    document: DocumentObject,
    name: str,
    size: float,
    color: RGBColor,
    *,
    bold: bool = False,
    italic: bool = False,
    before: float = 0,
    after: float = 4,
) -> None:
    styles = document.styles
    style = styles[name] if name in [s.name for s in styles] else None
    if style is None:
        style = styles.add_style(name, WD_STYLE_TYPE.PARAGRAPH)
        style.base_style = styles["Normal"]
        style.quick_style = True
    set_font(style, size, color, bold=bold)
    style.font.italic = italic
    fmt = style.paragraph_format
    fmt.space_before = Pt(before)
    fmt.space_after = Pt(after)


def sober_styles(document: DocumentObject) -> None:
    """Set the region's sober look: one font, dark blue headings, grey meta lines."""
    paragraph_style(document, "Normal", 10.5, INK, after=4)
    document.styles["Normal"].paragraph_format.line_spacing = 1.1
    paragraph_style(document, "Title", 22, NAVY, bold=True, after=2)
    paragraph_style(document, "Subtitle", 13, SLATE, after=12)
    paragraph_style(document, "Heading 1", 14, NAVY, bold=True, before=16, after=6)
    paragraph_style(document, "Heading 2", 12, NAVY, bold=True, before=12, after=3)
    paragraph_style(document, "Heading 3", 10.5, NAVY, bold=True, before=6, after=2)
    paragraph_style(document, "List Bullet", 10.5, INK, after=2)
    paragraph_style(document, "Midwest Label", 10.5, NAVY, bold=True, before=6, after=1)
    paragraph_style(document, "Midwest Meta", 9.5, SLATE, italic=True, after=4)
    paragraph_style(document, "Midwest Notice", 10, RED, bold=True, before=4, after=8)
    paragraph_style(document, "Header", 9, SLATE)
    paragraph_style(document, "Footer", 8.5, SLATE)
    # The footer has one right-aligned tab stop of its own; drop the style's letter-size ones.
    document.styles["Footer"].paragraph_format.tab_stops.clear_all()
    for heading in ("Title", "Subtitle", "Heading 1", "Heading 2", "Heading 3"):
        document.styles[heading].paragraph_format.keep_with_next = True
    # No hyphenation: a word in a narrow table column stays whole (LibreOffice would
    # otherwise hyphenate it where the language allows).
    no_hyphens = OxmlElement("w:suppressAutoHyphens")
    document.styles["Normal"].element.get_or_add_pPr().insert_element_before(
        no_hyphens, *AFTER_BORDER[AFTER_BORDER.index("w:suppressAutoHyphens") + 1 :]
    )


# --- Writing ----------------------------------------------------------------------------------


def runs(paragraph: Paragraph, parts: Iterable[Part]) -> Paragraph:
    """Add each part as a run of its own, so a Jinja tag never shares a run with text."""
    for part in parts:
        text, style = (part, None) if isinstance(part, str) else part
        run = paragraph.add_run(text)
        if style == "bold":
            run.bold = True
    return paragraph


def para(document: DocumentObject, *parts: Part, style: str | None = None) -> Paragraph:
    return runs(document.add_paragraph(style=style), parts)


def tag(document: DocumentObject, statement: str) -> None:
    """Add a paragraph that holds only a Jinja statement; docxtpl removes it on rendering."""
    document.add_paragraph(f"{{%p {statement} %}}")


def field(paragraph: Paragraph, instruction: str) -> None:
    """Add a Word field (PAGE, NUMPAGES) that Word fills in when it shows the page."""
    for kind, text in (("begin", None), (None, f" {instruction} "), ("separate", None)):
        run = paragraph.add_run()
        if kind:
            element = OxmlElement("w:fldChar")
            element.set(qn("w:fldCharType"), kind)
        else:
            element = OxmlElement("w:instrText")
            element.set(qn("xml:space"), "preserve")
            element.text = text
        run._r.append(element)
    paragraph.add_run("1")
    end = OxmlElement("w:fldChar")
    end.set(qn("w:fldCharType"), "end")
    paragraph.add_run()._r.append(end)


# The elements that follow w:pBdr in a paragraph's properties: Word refuses them out of order.
AFTER_BORDER = (
    "w:shd", "w:tabs", "w:suppressAutoHyphens", "w:kinsoku", "w:wordWrap", "w:overflowPunct",
    "w:topLinePunct", "w:autoSpaceDE", "w:autoSpaceDN", "w:bidi", "w:adjustRightInd",
    "w:snapToGrid", "w:spacing", "w:ind", "w:contextualSpacing", "w:mirrorIndents",
    "w:suppressOverlap", "w:jc", "w:textDirection", "w:textAlignment", "w:textboxTightWrap",
    "w:outlineLvl", "w:divId", "w:cnfStyle", "w:rPr", "w:sectPr", "w:pPrChange",
)  # fmt: skip


def bottom_border(paragraph: Paragraph) -> None:
    borders = OxmlElement("w:pBdr")
    bottom = OxmlElement("w:bottom")
    for key, value in (("val", "single"), ("sz", "4"), ("space", "4"), ("color", "8EA1B5")):
        bottom.set(qn(f"w:{key}"), value)
    borders.append(bottom)
    paragraph._p.get_or_add_pPr().insert_element_before(borders, *AFTER_BORDER)


def dutch_proofing(document: DocumentObject) -> None:
    """Mark the text as Belgian Dutch, so Word checks the spelling in the right language."""
    properties = document.styles["Normal"].element.get_or_add_rPr()
    language = OxmlElement("w:lang")
    language.set(qn("w:val"), "nl-BE")
    # w:lang comes late in run properties; only these may follow it.
    properties.insert_element_before(language, "w:eastAsianLayout", "w:specVanish", "w:oMath")


def shade(table_cell: _Cell, fill: str) -> None:
    properties = table_cell._tc.get_or_add_tcPr()
    shading = OxmlElement("w:shd")
    shading.set(qn("w:val"), "clear")
    shading.set(qn("w:color"), "auto")
    shading.set(qn("w:fill"), fill)
    # Keep the schema's order of cell properties, as for the paragraph border above.
    properties.insert_element_before(
        shading, "w:noWrap", "w:tcMar", "w:textDirection", "w:tcFitText", "w:vAlign", "w:hideMark"
    )


def cell(table: Table, row: int, column: int, *parts: Part) -> None:
    target = table.cell(row, column)
    runs(target.paragraphs[0], parts)


def header_row(table: Table, titles: Iterable[str]) -> None:
    for column, title in enumerate(titles):
        cell(table, 0, column, (title, "bold"))
        shade(table.cell(0, column), HEADER_FILL)
    # Repeat the header row on every page the table runs over.
    properties = table.rows[0]._tr.get_or_add_trPr()
    repeat = OxmlElement("w:tblHeader")
    properties.append(repeat)


def loop_table(
    document: DocumentObject,
    titles: list[str],
    loop: str,
    cells: list[list[Part]],
    widths: list[float],
) -> Table:
    """Add a table with a header row and one row per element of `loop` ("x in xs")."""
    table = document.add_table(rows=4, cols=len(titles))
    table.style = document.styles["Table Grid"]
    table.alignment = WD_TABLE_ALIGNMENT.LEFT
    header_row(table, titles)
    cell(table, 1, 0, f"{{%tr for {loop} %}}")
    for column, parts in enumerate(cells):
        cell(table, 2, column, *parts)
    cell(table, 3, 0, "{%tr endfor %}")
    fix_widths(table, widths)
    return table


def fix_widths(table: Table, widths: list[float]) -> None:
    """Give the columns fixed widths (Word reads the cells, LibreOffice the grid) and the
    table their sum, in a fixed layout: no reader widens a column to fit a word or
    narrows one below its width."""
    table.autofit = False
    total = table._tbl.tblPr.find(qn("w:tblW"))
    if total is not None:
        total.set(qn("w:type"), "dxa")
        total.set(qn("w:w"), str(sum(Cm(width).twips for width in widths)))
    for column, width in enumerate(widths):
        table.columns[column].width = Cm(width)
        for row_cell in table.columns[column].cells:
            row_cell.width = Cm(width)


def facts_table(document: DocumentObject, rows: list[tuple[str, list[Part]]]) -> None:
    """Add a two-column table of the meeting's facts (label, value)."""
    table = document.add_table(rows=len(rows), cols=2)
    table.style = document.styles["Table Grid"]
    for index, (label, parts) in enumerate(rows):
        cell(table, index, 0, (label, "bold"))
        shade(table.cell(index, 0), HEADER_FILL)
        cell(table, index, 1, *parts)
    fix_widths(table, [4.4, 12.0])
    document.add_paragraph()


# --- The page: size, header, footer ------------------------------------------------------------


def new_document(title: str) -> DocumentObject:
    """Start an A4 document with the region's styles, header, footer and fixed properties."""
    document = Document()
    sober_styles(document)
    dutch_proofing(document)
    section = document.sections[0]
    section.start_type = WD_SECTION.NEW_PAGE
    section.page_width, section.page_height = Cm(21), Cm(29.7)
    section.top_margin = section.bottom_margin = Cm(2.2)
    section.left_margin = section.right_margin = Cm(2.3)
    section.header_distance = section.footer_distance = Cm(1.1)

    header = section.header.paragraphs[0]
    header.style = document.styles["Header"]
    runs(header, [("Midwestoverleg", "bold"), " · ", "{{ meeting.body }}"])
    header.alignment = WD_ALIGN_PARAGRAPH.RIGHT
    bottom_border(header)

    footer = section.footer.paragraphs[0]
    footer.style = document.styles["Footer"]
    footer.paragraph_format.tab_stops.add_tab_stop(Cm(16.4), WD_TAB_ALIGNMENT.RIGHT)
    runs(footer, [title, " · versie ", "{{ document.version }}"])
    footer.add_run().add_tab()
    footer.add_run("Pagina ")
    field(footer, "PAGE")
    footer.add_run(" van ")
    field(footer, "NUMPAGES")

    properties = document.core_properties
    properties.title = f"Midwestoverleg – {title}"
    properties.subject = "Sjabloon van het Midwestoverleg"
    properties.author = "Midwestoverleg"
    properties.last_modified_by = "Midwestoverleg"
    properties.comments = (
        "Gemaakt met docs_templates/build_templates.py; opmaak vrij aan te passen."
    )
    properties.keywords = ""
    properties.created = properties.modified = FIXED_TIME
    properties.last_printed = FIXED_TIME
    properties.revision = 1
    properties.language = "nl-BE"
    return document


def version_notice(document: DocumentObject, what: str) -> None:
    """Say which version this is: public (leaving out closed-session entries) or full."""
    tag(document, "if document.left_out")
    para(
        document,
        "Openbare versie: ",
        "{{ document.left_out }}",
        f" {what} in besloten zitting staan niet in deze versie.",
        style="Midwest Notice",
    )
    tag(document, "endif")
    tag(document, "if not document.public")
    para(
        document,
        "Volledige versie, met de punten in besloten zitting. Vertrouwelijk: niet verspreiden.",
        style="Midwest Notice",
    )
    tag(document, "endif")


def meeting_facts(document: DocumentObject) -> None:
    facts_table(
        document,
        [
            ("Datum", ["{{ meeting.date }}"]),
            ("Uur", ["{{ meeting.time }}"]),
            ("Plaats", ["{{ meeting.location }}"]),
            ("Voorzitter(s)", ["{{ meeting.chairs }}"]),
        ],
    )


HELD_ON: list[Part] = [
    "{% if meeting.held_on %}",
    "{{ meeting.held_on }}",
    "{% else %}",
    "{{ meeting.date }}",
    "{% endif %}",
]
"""The day the meeting was held, or the day planned before it was."""


def held_facts(document: DocumentObject) -> None:
    """The facts of a meeting that was held: when it was held, opened and closed, where,
    who presided and who was secretary."""
    facts_table(
        document,
        [
            ("Datum", HELD_ON),
            (
                "Geopend om",
                ["{% if meeting.opened_at %}", "{{ meeting.opened_at }}", "{% endif %}"],
            ),
            (
                "Gesloten om",
                ["{% if meeting.closed_at %}", "{{ meeting.closed_at }}", "{% endif %}"],
            ),
            ("Plaats", ["{{ meeting.location }}"]),
            ("Voorzitter", ["{{ meeting.presiding }}"]),
            ("Secretaris", ["{{ meeting.secretary }}"]),
        ],
    )


def moved_notice(document: DocumentObject) -> None:
    """Say so when the meeting was held on another day than it was planned for."""
    tag(document, "if meeting.moved")
    para(
        document,
        "Gehouden op ",
        "{{ meeting.held_on }}",
        "; gepland op ",
        "{{ meeting.date }}",
        ".",
        style="Midwest Meta",
    )
    tag(document, "endif")


def signatures(document: DocumentObject) -> None:
    """The signature block: the secretary and the presiding chair, nobody else."""
    para(document, "Namens de vergadering,").paragraph_format.space_before = Pt(18)
    table = document.add_table(rows=3, cols=2)
    table.alignment = WD_TABLE_ALIGNMENT.LEFT
    cell(table, 0, 0, ("De secretaris", "bold"))
    cell(table, 0, 1, ("De voorzitter", "bold"))
    for column in (0, 1):
        # Room for the handwritten (or electronic) signature.
        table.cell(1, column).paragraphs[0].paragraph_format.space_before = Pt(36)
    cell(table, 2, 0, "{{ meeting.secretary }}")
    cell(table, 2, 1, "{{ meeting.presiding }}")
    fix_widths(table, [8.2, 8.2])


def text_block(document: DocumentObject, label: str, value: str) -> None:
    """Add a labelled block of a person's text, left out when the text is empty."""
    tag(document, f"if {value}")
    para(document, label, style="Midwest Label")
    para(document, f"{{{{ {value} }}}}")
    tag(document, "endif")


def conflicts_block(document: DocumentObject) -> None:
    """Add who takes no part in the entry's deliberation and vote (art. 27 DLB), and why."""
    tag(document, "for conflict in entry.conflicts")
    para(
        document,
        "{{ conflict.name }}",
        " neemt niet deel aan de beraadslaging en de stemming (art. 27 DLB)",
        "{% if conflict.reason %}",
        ": ",
        "{{ conflict.reason }}",
        "{% endif %}",
        ".",
        style="Midwest Meta",
    )
    tag(document, "endfor")


def votes_block(document: DocumentObject, decision: str) -> None:
    """Add how a decision was taken: by consensus, or the votes and who cast them."""
    tag(document, f"if {decision}.consensus")
    para(document, "Beslist bij consensus.", style="Midwest Meta")
    tag(document, f"elif {decision}.secret")
    para(
        document,
        "Geheime stemming: ",
        f"{{{{ {decision}.tally }}}}",
        ".",
        style="Midwest Meta",
    )
    tag(document, "else")
    para(document, "Stemming: ", f"{{{{ {decision}.tally }}}}", ".", style="Midwest Meta")
    for label, names in (
        ("Voor: ", "municipalities_for"),
        ("Tegen: ", "municipalities_against"),
        ("Onthouding: ", "municipalities_abstain"),
    ):
        tag(document, f"if {decision}.{names}")
        para(document, (label, "bold"), f"{{{{ {decision}.{names} }}}}", style="List Bullet")
        tag(document, "endif")
    tag(document, "endif")


def decision_block(document: DocumentObject) -> None:
    """Add an entry's decision: number, outcome, text and votes (or consensus)."""
    tag(document, "if entry.decision")
    para(
        document,
        "Besluit ",
        "{{ entry.decision.number }}",
        ": ",
        "{{ entry.decision.outcome }}",
        style="Midwest Label",
    )
    para(document, "{{ entry.decision.text }}")
    tag(document, "if entry.decision.remark")
    para(document, "Opmerking van de voorzitter: ", "{{ entry.decision.remark }}")
    tag(document, "endif")
    votes_block(document, "entry.decision")
    tag(document, "endif")


# --- The templates --------------------------------------------------------------------------


def standing_block(document: DocumentObject) -> None:
    """The points every meeting of the body starts with."""
    tag(document, "if meeting.standing")
    para(document, "Vaste punten", style="Midwest Label")
    tag(document, "for point in meeting.standing")
    para(document, "{{ point }}", style="List Bullet")
    tag(document, "endfor")
    tag(document, "endif")


def agenda() -> DocumentObject:
    """The convocation and agenda of a meeting."""
    document = new_document("Uitnodiging en agenda")
    para(document, "Uitnodiging en agenda", style="Title")
    para(document, "{{ meeting.body }}", style="Subtitle")
    version_notice(document, "agendapunt(en)")
    para(document, "Beste leden,")
    para(
        document,
        "Wij nodigen u uit op de vergadering van ",
        "{{ meeting.body }}",
        " op ",
        "{{ meeting.date }}",
        " om ",
        "{{ meeting.time }}",
        "{% if meeting.location %}",
        " in ",
        "{{ meeting.location }}",
        "{% endif %}",
        ".",
    )
    meeting_facts(document)
    para(document, "Agenda", style="Heading 1")
    standing_block(document)
    tag(document, "for entry in entries")
    para(document, "{{ entry.number }}", ". ", "{{ entry.title }}", style="Heading 2")
    para(
        document,
        "{{ entry.kind }}",
        "{% if entry.urgent %}",
        " · dringend punt",
        "{% endif %}",
        "{% if entry.closed %}",
        " · besloten zitting",
        "{% endif %}",
        "{% if entry.municipalities %}",
        " · betrokken besturen: ",
        "{{ entry.municipalities }}",
        "{% endif %}",
        " · voorbereid door ",
        "{{ entry.prepared_by }}",
        style="Midwest Meta",
    )
    text_block(document, "Toelichting", "entry.rationale")
    text_block(document, "Ontwerpbesluit", "entry.proposed_decision")
    tag(document, "endfor")
    tag(document, "if not entries")
    para(document, "Er staan geen punten op de agenda.")
    tag(document, "endif")
    para(document, "Met vriendelijke groeten,").paragraph_format.space_before = Pt(18)
    para(document, "{{ meeting.chairs }}")
    para(document, "Voorzitter(s) van ", "{{ meeting.body }}", style="Midwest Meta")
    return document


def comings_and_goings(document: DocumentObject) -> None:
    """Add who left and who joined the meeting before the entry (its quorum and voters
    follow who was there)."""
    for names, says in (
        ("entry.left", "verlaat de vergadering"),
        ("entry.arrived", "vervoegt de vergadering"),
    ):
        tag(document, f"for name in {names}")
        para(document, "{{ name }}", f" {says}.", style="Midwest Meta")
        tag(document, "endfor")


def attendance_list(document: DocumentObject, label: str, people: str) -> None:
    para(document, label, style="Heading 3")
    tag(document, f"for person in {people}")
    para(
        document,
        "{{ person.name }}",
        "{% if person.municipality %}",
        ", ",
        "{{ person.municipality }}",
        "{% endif %}",
        "{% if person.function %}",
        " (",
        "{{ person.function }}",
        ")",
        "{% endif %}",
        "{% if person.replacing %}",
        " (vervangt ",
        "{{ person.replacing }}",
        ")",
        "{% endif %}",
        style="List Bullet",
    )
    tag(document, "endfor")
    tag(document, f"if not {people}")
    para(document, "Niemand.", style="Midwest Meta")
    tag(document, "endif")


def minutes() -> DocumentObject:
    """The minutes of a meeting."""
    document = new_document("Notulen")
    para(
        document,
        "Notulen",
        "{% if not meeting.minutes_approved %}",
        " (ontwerp)",
        "{% endif %}",
        style="Title",
    )
    para(document, "{{ meeting.body }}", " · ", *HELD_ON, style="Subtitle")
    tag(document, "if meeting.minutes_approved")
    para(
        document,
        "Goedgekeurd",
        "{% if meeting.minutes_approved_on %}",
        " op ",
        "{{ meeting.minutes_approved_on }}",
        "{% endif %}",
        ".",
        style="Midwest Label",
    )
    tag(document, "else")
    para(document, "Ontwerp: deze notulen zijn nog niet goedgekeurd.", style="Midwest Notice")
    tag(document, "endif")
    version_notice(document, "agendapunt(en)")
    moved_notice(document)
    held_facts(document)
    para(document, "Aanwezigheden", style="Heading 1")
    para(
        document,
        "{{ attendance.municipalities_present }}",
        " besturen vertegenwoordigd; het quorum is ",
        "{{ attendance.quorum_required }}",
        ".",
        style="Midwest Meta",
    )
    attendance_list(document, "Aanwezig", "attendance.present")
    attendance_list(document, "Verontschuldigd", "attendance.excused")
    attendance_list(document, "Afwezig", "attendance.absent")
    para(document, "Behandelde punten", style="Heading 1")
    tag(document, "for entry in entries")
    comings_and_goings(document)
    para(document, "{{ entry.number }}", ". ", "{{ entry.title }}", style="Heading 2")
    para(
        document,
        "{{ entry.kind }}",
        " · ",
        "{{ entry.outcome }}",
        "{% if entry.closed %}",
        " · besloten zitting",
        "{% endif %}",
        "{% if entry.municipalities %}",
        " · betrokken besturen: ",
        "{{ entry.municipalities }}",
        "{% endif %}",
        style="Midwest Meta",
    )
    text_block(document, "Toelichting", "entry.rationale")
    tag(document, "if entry.urgency_reason")
    para(document, "Dringendheid", style="Midwest Label")
    para(document, "{{ entry.urgency_reason }}", " ", "{{ entry.urgency }}")
    tag(document, "endif")
    text_block(document, "Bespreking", "entry.note")
    conflicts_block(document)
    decision_block(document)
    tag(document, "if entry.remark")
    para(document, "Opmerking van de voorzitter: ", "{{ entry.remark }}")
    tag(document, "endif")
    tag(document, "if entry.actions")
    para(document, "Opvolging", style="Midwest Label")
    tag(document, "for action in entry.actions")
    para(
        document,
        "{{ action.title }}",
        " – ",
        "{{ action.owner }}",
        ", tegen ",
        "{{ action.due_date }}",
        style="List Bullet",
    )
    tag(document, "endfor")
    tag(document, "endif")
    tag(document, "endfor")
    tag(document, "if not entries")
    para(document, "Er werden geen punten behandeld.")
    tag(document, "endif")
    signatures(document)
    return document


def decision_list() -> DocumentObject:
    """The decision list of a meeting."""
    document = new_document("Besluitenlijst")
    para(document, "Besluitenlijst", style="Title")
    para(document, "{{ meeting.body }}", " · ", *HELD_ON, style="Subtitle")
    version_notice(document, "agendapunt(en)")
    moved_notice(document)
    loop_table(
        document,
        ["Punt", "Besluit", "Onderwerp en besluit", "Uitkomst"],
        "entry in entries",
        [
            ["{{ entry.number }}"],
            ["{% if entry.decision %}", "{{ entry.decision.number }}", "{% endif %}"],
            [
                ("{{ entry.title }}", "bold"),
                "{% if entry.decision %}",
                "\n",
                "{{ entry.decision.text }}",
                "{% endif %}",
            ],
            [
                "{{ entry.outcome }}",
                "{% if entry.decision %}",
                "\n",
                "{% if entry.decision.secret %}",
                "geheime stemming: ",
                "{% elif entry.decision.consensus %}",
                "bij consensus",
                "{% endif %}",
                "{{ entry.decision.tally }}",
                "{% endif %}",
            ],
        ],
        [1.2, 3.4, 8.0, 3.8],
    )
    tag(document, "if not entries")
    para(document, "Er werden geen punten behandeld.")
    tag(document, "endif")
    signatures(document)
    return document


def followup_report() -> DocumentObject:
    """The follow-up report of a meeting's body: open actions and pending ratifications."""
    document = new_document("Opvolgingsrapport")
    para(document, "Opvolgingsrapport", style="Title")
    para(
        document,
        "{{ meeting.body }}",
        " · stand op ",
        "{{ document.generated_on }}",
        style="Subtitle",
    )
    version_notice(document, "punt(en)")
    para(
        document,
        "{{ open_actions }}",
        " open actiepunten en ",
        "{{ pending_ratifications }}",
        " bekrachtigingen in afwachting, voor de besluiten van ",
        "{{ meeting.body }}",
        ".",
    )
    tag(document, "for chart in charts")
    para(document, "{{ chart.title }}", style="Heading 3")
    para(document, "{{ chart.picture }}")
    tag(document, "endfor")
    tag(document, "for group in groups")
    para(document, "{{ group.municipality }}", style="Heading 1")
    tag(document, "if group.ratifications")
    para(document, "Te bekrachtigen", style="Heading 3")
    loop_table(
        document,
        ["Besluit", "Onderwerp", "Beslist op", "Dagen"],
        "ratification in group.ratifications",
        [
            ["{{ ratification.decision_number }}"],
            ["{{ ratification.title }}"],
            ["{{ ratification.decided_on }}"],
            ["{{ ratification.pending_days }}"],
        ],
        [3.2, 7.4, 4.2, 1.6],
    )
    tag(document, "endif")
    tag(document, "if group.actions")
    para(document, "Open actiepunten", style="Heading 3")
    actions_table(document, "action in group.actions")
    tag(document, "endif")
    tag(document, "endfor")
    tag(document, "if regional_actions")
    para(document, "Voor de hele regio", style="Heading 1")
    actions_table(document, "action in regional_actions")
    tag(document, "endif")
    tag(document, "if not groups and not regional_actions")
    para(document, "Er staan geen actiepunten of bekrachtigingen open.")
    tag(document, "endif")
    return document


def actions_table(document: DocumentObject, loop: str) -> None:
    loop_table(
        document,
        ["Actiepunt", "Uitvoerder", "Tegen", "Stand"],
        loop,
        [
            [
                ("{{ action.title }}", "bold"),
                "\n",
                "{{ action.decision_number }}",
                ": ",
                "{{ action.item }}",
            ],
            ["{{ action.owner }}"],
            ["{{ action.due_date }}", "{% if action.overdue %}", " (te laat)", "{% endif %}"],
            ["{{ action.state }}"],
        ],
        [6.0, 4.0, 3.6, 2.8],
    )


def excerpt() -> DocumentObject:
    """The excerpt of one decision for one municipality concerned (uittreksel)."""
    document = new_document("Uittreksel")
    para(document, "Uittreksel uit de besluitenlijst", style="Title")
    para(document, "{{ meeting.body }}", " · voor ", "{{ municipality }}", style="Subtitle")
    facts_table(
        document,
        [
            (
                "Vergadering",
                [
                    "{% if meeting.held_on %}",
                    "{{ meeting.held_on }}",
                    ", ",
                    "{{ meeting.opened_at }}",
                    "{% else %}",
                    "{{ meeting.date }}",
                    ", ",
                    "{{ meeting.time }}",
                    "{% endif %}",
                ],
            ),
            ("Beslist op", ["{{ decision.decided_at }}"]),
            ("Plaats", ["{{ meeting.location }}"]),
            ("Besluit", ["{{ decision.number }}", ": ", "{{ decision.outcome }}"]),
            ("Gemeente", ["{{ municipality }}"]),
            ("Stem van de gemeente", ["{{ vote }}"]),
            ("Bekrachtiging", ["{{ ratification }}"]),
        ],
    )
    para(document, "Onderwerp", style="Midwest Label")
    para(document, "{{ title }}")
    text_block(document, "Motivering", "rationale")
    para(document, "Besluit", style="Midwest Label")
    para(document, "{{ decision.text }}")
    votes_block(document, "decision")
    para(document, "Acties die de gemeente aanbelangen", style="Heading 1")
    actions_table(document, "action in actions")
    tag(document, "if not actions")
    para(document, "Geen acties voor deze gemeente.")
    tag(document, "endif")
    para(
        document,
        "Voor eensluidend uittreksel, ",
        "{{ document.generated_on }}",
        ".",
        style="Midwest Meta",
    )
    signatures(document)
    return document


TEMPLATES: dict[str, Callable[[], DocumentObject]] = {
    "agenda.docx": agenda,
    "notulen.docx": minutes,
    "besluitenlijst.docx": decision_list,
    "opvolgingsrapport.docx": followup_report,
    "uittreksel.docx": excerpt,
}


def reproducible(docx: bytes) -> bytes:
    """Rewrite the zip with fixed entry times, so equal content gives equal bytes."""
    out = BytesIO()
    with (
        zipfile.ZipFile(BytesIO(docx)) as source,
        zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target,
    ):
        for entry in source.infolist():
            info = zipfile.ZipInfo(entry.filename, date_time=ZIP_TIME)
            info.compress_type = zipfile.ZIP_DEFLATED
            info.external_attr = 0o644 << 16
            target.writestr(info, source.read(entry.filename))
    return out.getvalue()


def build(folder: Path = HERE) -> list[Path]:
    """Write the templates into the folder and return their paths."""
    folder.mkdir(parents=True, exist_ok=True)
    written = []
    for name, make in TEMPLATES.items():
        buffer = BytesIO()
        make().save(buffer)
        path = folder / name
        path.write_bytes(reproducible(buffer.getvalue()))
        written.append(path)
    return written


if __name__ == "__main__":
    for path in build(Path(sys.argv[1]) if len(sys.argv) > 1 else HERE):
        print(path)

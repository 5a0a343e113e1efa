"""The excerpt (uittreksel) as a municipality's general director reads it: its tables in
fixed column widths where no word breaks in two, no hyphenation, and the signature block
of the secretary and the presiding chair, as the minutes and the decision list have."""

from __future__ import annotations

import re
from dataclasses import replace

from django.utils import translation
from docx.oxml.ns import qn

from backend.documents.render import render
from tests.documents.samples import TEMPLATE_OF, all_text, read, sample
from workflows.states import ActionState

TWIPS_PER_POINT = 20
CELL_MARGINS = 2 * 108
"""Word's and LibreOffice's default cell margins, left and right (0.19 cm each)."""
EM = 0.55
"""A generous average width of a Calibri (or Carlito) letter, in em."""
SIZE = 10.5


def excerpt_with_long_values() -> bytes:
    data = sample("excerpt")
    action = data.actions[0]
    with translation.override("nl-be"):
        states = [str(state.label) for state in ActionState]
    actions = tuple(
        replace(action, state=state, owner="Leen Verbeke (GIS-coördinator)", overdue=True)
        for state in states
    )
    return render(
        replace(
            data,
            actions=actions,
            vote="geheime stemming",
            ratification="bekrachtigd door de gemeenteraad op woensdag 30 september 2026 "
            "(GR 2026/212)",
        ),
        TEMPLATE_OF["excerpt"],
    )


def test_the_excerpt_ends_with_the_signature_block_of_the_secretary_and_the_chair() -> None:
    document = read(render(sample("excerpt"), TEMPLATE_OF["excerpt"]))
    cells = [cell.text for row in document.tables[-1].rows for cell in row.cells]
    assert cells == ["De secretaris", "De voorzitter", "", "", "Ann Coördinator", "Kurt Himpe"]
    lines = all_text(document)
    assert lines.index("Namens de vergadering,") > lines.index(
        "Voor eensluidend uittreksel, dinsdag 3 maart 2026."
    )


def test_the_excerpt_s_tables_have_fixed_widths_and_no_hyphenation() -> None:
    document = read(excerpt_with_long_values())
    for table in document.tables:
        properties = table._tbl.tblPr
        assert properties.find(qn("w:tblLayout")).get(qn("w:type")) == "fixed"
        grid = [int(c.get(qn("w:w"))) for c in table._tbl.tblGrid.findall(qn("w:gridCol"))]
        total = properties.find(qn("w:tblW"))
        assert total.get(qn("w:type")) == "dxa" and int(total.get(qn("w:w"))) == sum(grid)
    normal = document.styles["Normal"].element.pPr
    assert normal.find(qn("w:suppressAutoHyphens")) is not None


def test_no_word_in_the_excerpt_s_tables_is_wider_than_its_column() -> None:
    document = read(excerpt_with_long_values())
    too_wide = []
    for table in document.tables:
        grid = [int(c.get(qn("w:w"))) for c in table._tbl.tblGrid.findall(qn("w:gridCol"))]
        for row in table.rows:
            for column, cell in enumerate(row.cells):
                room = grid[column] - CELL_MARGINS
                # A line may break at a space, or after a hyphen or a slash.
                for word in re.split(r"\s+|(?<=[-/])", cell.text):
                    width = len(word) * EM * SIZE * TWIPS_PER_POINT
                    if width > room:
                        too_wide.append((word, column))
    assert too_wide == []
    # The longest label and the longest state are there, each in one piece.
    text = "\n".join(all_text(document))
    assert "Stem van de gemeente" in text and "geblokkeerd" in text

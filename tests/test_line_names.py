"""Names alone on a line (pipeline/recognise/line_names.py): bylines, credits, captions and
signatures are persons; headlines, section titles and table rows are not. Through the real
pipeline (model, cleaner, rules, knowledge base); every sentence is our own."""

from __future__ import annotations

import pytest

from pipeline.recognise.state import DocWords
from tests.conftest import persons

RULES = "namelink_person_rules"
STORY = "The council met on Tuesday and voted to repair the bridge over the river before the winter."


def _person_texts(pipe, text: str) -> list[str]:
    return [e["text"] for e in persons(pipe.process_text(text, "lines"))]


def _line_proposals(pipe, text: str) -> list[str]:
    """What the line family alone proposes on the cleaned ``text`` (the model's Doc before the rules)."""
    nlp = pipe.nlp
    families = nlp.get_pipe(RULES).families
    names = [name for name, _ in nlp.pipeline]
    with nlp.select_pipes(disable=names[names.index(RULES) :]):
        doc = nlp(pipe.cleaner.clean(text).text)
    words = DocWords.read(doc, families.labels, families.ocr_words.repairs)
    return [doc[p.start : p.end].text for p in families.line_names.propose(words, [])]


@pytest.mark.parametrize(
    ("text", "name"),
    [
        (f"Bridge Repairs Approved\n\nBy WALTER P. HUGHES\nOur Staff Writer\n\n{STORY}", "WALTER P. HUGHES"),
        (f"Bridge Repairs Approved\n\nBy Kolbjørn Ravndal\n\n{STORY}", "Kolbjørn Ravndal"),
        (f"{STORY}\n\n(Photograph by Ignacio Valdespino)\n", "Ignacio Valdespino"),
        (f"{STORY}\n\nPhoto: R. Okonkwo\n", "R. Okonkwo"),
        (f"{STORY}\n\nCourtesy of Marisol Etxeberria\n", "Marisol Etxeberria"),
        (f"“The river will not wait for us.”\n— Agnieszka\n\n{STORY}", "Agnieszka"),
    ],
)
def test_bylines_and_credits_are_persons(pipe, text: str, name: str) -> None:
    assert name in _person_texts(pipe, text)


def test_byline_name_does_not_run_into_the_next_line(pipe) -> None:
    texts = _person_texts(pipe, f"By WALTER P. HUGHES\nStaff Correspondent\n\n{STORY}")
    assert "WALTER P. HUGHES" in texts
    assert not any("Staff" in t for t in texts)


@pytest.mark.parametrize(
    ("text", "name"),
    [
        ("I shall write again when the roads are open.\n\nYours ever,\nTobiasz\n", "Tobiasz"),
        ("I shall write again when the roads are open.\n\nWith all my heart,\nRosalind\n", "Rosalind"),
        ("Kiss the children for me and sleep well.\n\nYour K.\n", "K."),
        ("Thanks for the map, it helped.\nCheers,\nTony (Anthony Walsh, Cork)\n", "Tony"),
    ],
)
def test_signatures_are_persons(pipe, text: str, name: str) -> None:
    assert name in _person_texts(pipe, text)


def test_closing_formula_is_not_an_inverted_name(pipe) -> None:
    texts = _person_texts(pipe, "I shall write again when the roads are open.\n\nYours, Tobiasz\n")
    assert "Tobiasz" in texts
    assert not any(t.startswith("Yours") for t in texts)


def test_a_line_of_initials_of_a_known_person_is_a_signature(pipe) -> None:
    assert "L.D." in _person_texts(pipe, "The manuscript goes to the printer on Monday.\n\nL.D.\n")


def test_sign_off_at_the_end_of_a_comment(pipe) -> None:
    text = "Posted by Henrike Vold · 2 May 2023\n\nThank you all, the ferry times are fixed now. Henrike\nReply\n"
    texts = _person_texts(pipe, text)
    assert texts.count("Henrike") == 1 and "Henrike Vold" in texts


NO_NAMES = [
    "By Our Special Correspondent",
    "From a Staff Correspondent",
    "Courtesy of the Archive",
    "Related Posts",
    "Photo Gallery",
    "By Air Mail",
    "By Order of the Court",
    "BY TELEGRAPH",
    "Photo: Reuters",
    "From Valparaíso",
]


@pytest.mark.parametrize("line", [*NO_NAMES, "Photo: Tlacotalpan"])
def test_headings_datelines_and_agencies_are_no_line_names(pipe, line: str) -> None:
    # "Photo:" may caption a place: a rare word after it is no name without evidence.
    assert _line_proposals(pipe, f"{line}\n\n{STORY}") == []


@pytest.mark.parametrize("line", NO_NAMES)
def test_headings_datelines_and_agencies_stay_without_persons(pipe, line: str) -> None:
    assert _person_texts(pipe, f"{line}\n\n{STORY}") == []


def test_headline_in_capitals_is_not_one_person(pipe) -> None:
    texts = _person_texts(pipe, f"MAYOR FACES ANGRY FARMERS\n\n{STORY}")
    assert not any(" " in t for t in texts)


def test_table_rows_are_not_lines_of_names(pipe) -> None:
    table = "| Mirela | 1921 | Split |\n| Tomo | 1925 | Zadar |\n\n"
    texts = _person_texts(pipe, table + STORY)
    assert not any("|" in t or "1921" in t for t in texts)


def test_a_salutation_is_no_closing_line(pipe) -> None:
    # "Dear Olek," names someone: the line after it is the letter, not a signature.
    texts = _person_texts(pipe, "Dear Olek,\nMay the weather hold for your journey.\n")
    assert "May" not in texts


def test_a_wrapped_column_line_is_no_sign_off(pipe) -> None:
    column = (
        "The committee heard the treasurer and the clerk at length. Martha\n"
        "Hollings then read the minutes of the last meeting to the members present.\n"
    )
    assert "Martha" not in _person_texts(pipe, column)

"""Evidence of a person keeps a model PERSON span the blanket tests would drop
(pipeline/recognise/evidence.py), and only then: headings, list lines and
derived words stay out. Through the real pipeline (model, rules, knowledge base)."""

from __future__ import annotations

import pytest

from tests.conftest import model_doc, persons


def _person_texts(pipe, text: str) -> list[str]:
    record = pipe.process_text(text, "evidence")
    return [e["text"] for e in persons(record)]


def test_frequent_surname_with_initials_kept(pipe) -> None:
    texts = _person_texts(pipe, "The sheriff said that J. Jackson and O. F. Smith were seen at the mill.")
    assert "J. Jackson" in texts and "O. F. Smith" in texts


def test_frequent_surname_after_a_title_kept(pipe) -> None:
    texts = _person_texts(pipe, "Yesterday Dr. Read said that the fever had passed.")
    assert "Read" in texts


def test_bare_frequent_given_name_repeated_in_a_story_kept(pipe) -> None:
    story = (
        "Tom went down to the river. Tom saw the boat and called out. "
        "Nobody answered, so Tom sat on the bank and waited. At dusk Tom walked home."
    )
    assert _person_texts(pipe, story).count("Tom") >= 3


def test_name_wrapped_over_a_column_line_kept(pipe) -> None:
    column = (
        "The committee met on Tuesday evening at the hall and heard Mr.\n"
        "William Murphy speak at length about the new bridge, after which\n"
        "a letter from Caroline C.\n"
        "Brown was read to the members present and warmly applauded.\n"
    )
    texts = [t.replace("\n", " ") for t in _person_texts(pipe, column)]
    assert "Caroline C. Brown" in texts


def test_heading_of_common_words_still_dropped(pipe) -> None:
    texts = _person_texts(pipe, "Family Formation\n\nThe police recovered the car on Monday near the station.")
    assert not any("Family" in t or "Formation" in t for t in texts)


def test_two_list_lines_not_joined(pipe) -> None:
    index = (
        "Sedov, Lev Lvovich (1906-1938), 12, 40\n"
        "Stalin, Joseph (1878-1953), 44-58, 233\n"
        "Starik, see Trotsky, Leon\n"
        "Taşkıran, Hüseyin, police clerk at Büyükada, 61\n"
    )
    assert not any("\n" in t for t in _person_texts(pipe, index))


def test_short_lines_of_a_list_not_joined(pipe) -> None:
    roll = "Present at the meeting:\nJohn Smith\nMary Brown\nThe chairman opened the session at noon.\n"
    assert not any("\n" in t for t in _person_texts(pipe, roll))


@pytest.mark.parametrize(
    ("text", "word"),
    [
        ("The Trotsky family left Prinkipo in 1933 for France.", "Trotsky family"),
        ("Every Trotskyist in Paris read the Bulletin that week.", "Trotskyist"),
    ],
)
def test_families_and_followers_still_not_persons(pipe, text: str, word: str) -> None:
    assert word not in _person_texts(pipe, text)
    if word == "Trotskyist":
        assert not any("Trotskyist" in t for t in _person_texts(pipe, text))


def test_english_given_name_wrapped_over_a_column_line_kept(pipe) -> None:
    # "Floyd" is in neither given_names.txt nor the knowledge base: the census lexicon is the evidence
    column = (
        "The new garage on the square is open every day of the week, and Floyd\n"
        "Pemberton runs it with his two sons, who will mend any car in town.\n"
        "The old blacksmith shop across the road has closed for the winter.\n"
    )
    texts = [t.replace("\n", " ") for t in _person_texts(pipe, column)]
    assert "Floyd Pemberton" in texts, texts


def test_title_at_the_end_of_the_line_before_a_name(pipe) -> None:
    column = (
        "The visitor was shaking hands with the local politicians. Judge\n"
        "Pemberton is not a stranger to them, and the friends of Gen.\n"
        "Hargrove were seen with him at the depot on Monday evening.\n"
    )
    texts = _person_texts(pipe, column)
    assert "Pemberton" in texts and "Hargrove" in texts, texts


def test_a_title_two_lines_up_is_no_title(pipe) -> None:
    text = "The report was read by the Judge\n\nPemberton Mills closed for the winter on Monday.\n"
    assert "Pemberton" not in _person_texts(pipe, text)


def test_given_name_and_surname_over_a_line_end_that_the_model_calls_an_organisation(pipe) -> None:
    column = (
        "The new garage on the square is open every day of the week, and Elmer\n"
        "Pemberton runs it with his two sons, who will mend any car in town.\n"
        "The old blacksmith shop across the road has closed for the winter.\n"
    )
    texts = [t.replace("\n", " ") for t in _person_texts(pipe, column)]
    assert "Elmer Pemberton" in texts, texts


# -- OCR noise the model calls a person ----------------------------------------------------------


def _garbled(pipe, text: str, word: str) -> bool:
    from pipeline.recognise.state import DocWords

    families = pipe.nlp.get_pipe("namelink_person_rules").families
    doc = model_doc(pipe, text)
    k = next(t.i for t in doc if t.text == word)
    return families.model_entities._garbled(DocWords.read(doc, families.labels), k, k + 1)


@pytest.mark.parametrize(
    ("text", "word"),
    [
        ("Tlie sheriff rode out of town at dawn with his men.", "Tlie"),  # The, OCR li for h
        ("and then Ho said that the stage had left at noon.", "Ho"),  # two letters, no name
        ("the bank in Dg was robbed on Monday night by two men.", "Dg"),
    ],
)
def test_ocr_noise_is_no_person(pipe, text: str, word: str) -> None:
    assert _garbled(pipe, text, word)


@pytest.mark.parametrize(
    ("text", "word"),
    [
        ("The deed was witnessed by Mr. Orr and his clerk.", "Orr"),  # a title before it
        ("Tom went down to the river and waited for the boat.", "Tom"),  # a given name
        ("Lenin wrote to him from Zurich in the spring.", "Lenin"),  # a knowledge-base name
        ("The case of Pemberton was heard on Monday.", "Pemberton"),  # rare, and no OCR repair makes a word
    ],
)
def test_short_and_rare_real_names_stay(pipe, text: str, word: str) -> None:
    assert not _garbled(pipe, text, word)


def test_a_kinship_word_is_no_person_however_often_repeated(pipe) -> None:
    # written for the test: a memoir that says Grandfather on every line
    text = (
        "Grandfather woke early. Grandfather fed the rabbits before breakfast. After lunch Grandfather "
        "dictated letters, and in the evening Grandmother read to us while Grandfather listened."
    )
    assert not any(t in ("Grandfather", "Grandmother") for t in _person_texts(pipe, text))


def test_a_name_after_a_kinship_title_stays(pipe) -> None:
    texts = _person_texts(pipe, "On Sunday Father Gapon led the workers to the Winter Palace.")
    assert "Gapon" in texts

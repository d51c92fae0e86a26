"""Lines in capitals read by the model as running text (pipeline/recognise/case.py)."""

from __future__ import annotations

from conftest import model_doc, person_spans

from pipeline.recognise.case import KEPT, NAME_FORM, WORD_FORM, CaseLexicon, capital_lines


def _lexicon() -> CaseLexicon:
    return CaseLexicon(
        forms={w: w for w in ("dies", "of", "rose", "white", "avenida", "the")} | {"ussr": "USSR"},
        names=frozenset({"rose", "white", "abraham"}),
        known_names=frozenset({"liova"}),
        web_counts={"avenida": 568_000.0, "thalheimer": 13_600.0},
        rare_count=200_000.0,
        titles=frozenset({"mrs"}),
        min_words=2,
        sentence_ends=frozenset({"."}),
    )


def _forms(words: list[str], first: bool = True) -> list[str]:
    return [form for form, _ in _lexicon().recased(words, [first] + [False] * (len(words) - 1))]


# -- the lexicon ---------------------------------------------------------------------------------


def test_listed_words_take_their_running_text_form_and_others_a_names():
    assert _forms(["TROTSKY", "DIES", "OF", "WOUNDS"]) == ["Trotsky", "dies", "of", "Wounds"]


def test_a_sentence_start_is_capitalised_and_an_acronym_kept():
    assert _forms(["DIES", "USSR"]) == ["Dies", "USSR"]


def test_a_word_that_is_also_a_name_is_a_name_after_a_title_or_a_name():
    assert _forms(["MRS", ".", "ROSE", "WHITE"]) == ["Mrs", ".", "Rose", "White"]
    assert _forms(["THE", "ROSE", "WHITE"]) == ["The", "rose", "white"]


def test_an_unlisted_word_is_a_names_when_rare_on_the_web_or_named_and_a_words_when_frequent():
    assert _forms(["SURGEON", "THALHEIMER"], False) == ["Surgeon", "Thalheimer"]
    assert _forms(["AVENIDA", "LIOVA"], False) == ["avenida", "Liova"]


def test_words_without_a_vowel_digits_and_punctuation_are_kept():
    kinds = _lexicon().recased(["LD", "16", "=", "LIOVA"], [False] * 4)
    assert kinds == [("LD", KEPT), ("16", KEPT), ("=", KEPT), ("Liova", NAME_FORM)]
    assert _lexicon().recased(["DIES"], [False]) == [("dies", WORD_FORM)]


def test_hyphenated_and_o_apostrophe_names_in_title_case():
    assert _forms(["O'NEILL", "MEILMAN-GORODETSKAYA"], False) == ["O'Neill", "Meilman-Gorodetskaya"]


# -- which lines ---------------------------------------------------------------------------------


def test_only_lines_without_a_lower_case_letter_are_read(nlp):
    doc = nlp.make_doc("ABRAHAM SHAPIRO\nwitnessed by Refugio GALINDO CASTRO, a baker\nWP:COMMONNAME here\nLEON")
    lines = [" ".join(t.text for t in line) for line in capital_lines(doc, 2)]
    assert lines == ["ABRAHAM SHAPIRO"]


# -- the model reads running text, the rules the source ------------------------------------------


def test_a_headline_verb_is_no_person_and_the_source_words_stay(pipe):
    text = "TROTSKY DIES OF WOUNDS; SLAYER CLINGS TO STORY\nMexico City, Aug. 21."
    doc = model_doc(pipe, text)
    assert doc.text == text
    assert [t.pos_ for t in doc[:2]] == ["PROPN", "VERB"]
    _, out = pipe.analyse(text)
    assert ("DIES", 8, 12) not in person_spans(out)
    assert ("TROTSKY", 0, 7) in person_spans(out)


def test_an_obituary_head_in_capitals_is_a_person(pipe):
    text = "PAPERS FROM THE ESTATE OF THE LATE MARTHA OSTROWSKI\nLondon, Tuesday 14 May 2019, at 2 p.m."
    _, out = pipe.analyse(text)
    assert person_spans(out) == [("MARTHA OSTROWSKI", 35, 51)]


def test_a_model_person_ends_before_a_word_the_truecaser_wrote_as_a_word(pipe):
    text = "TELEGRAM RECEIVED\nLT RIVERA ALTAVISTA SANANGEL DF\nLEON SEDOFF DIED THIS MORNING STOP"
    _, out = pipe.analyse(text)
    spans = [s for s, _, _ in person_spans(out)]
    assert "RIVERA" in spans and "LEON SEDOFF" in spans
    assert not any("ALTAVISTA" in s for s in spans)


def test_a_document_without_a_line_in_capitals_is_not_copied(nlp):
    truecase = nlp.get_pipe("namelink_truecase")
    doc = nlp.make_doc("Leon Trotsky died in Mexico City. The USSR said nothing.")
    assert truecase(doc) is doc


def test_a_long_documents_pieces_keep_their_word_forms_at_the_joined_offsets(nlp):
    from pipeline.batch.chunking import join_pieces

    first, second = nlp.make_doc("TROTSKY DIES\n"), nlp.make_doc("SLAYER CLINGS")
    first._.namelink_word_forms, second._.namelink_word_forms = frozenset({8}), frozenset({7})
    joined = join_pieces([first, second], [])
    assert sorted(joined._.namelink_word_forms) == [8, 20]
    assert [joined.text[k : k + 5] for k in sorted(joined._.namelink_word_forms)] == ["DIES\n", "CLING"]

"""A language per document and the pipeline of each language (issue 11)."""

from __future__ import annotations

import click
import pytest
from click.testing import CliRunner
from conftest import read_jsonl

from pipeline.batch import run_batch
from pipeline.batch.document import language_pipelines
from pipeline.cli import cli
from pipeline.cli.options import parse_model_specs
from pipeline.io.language import LanguageIdentifier, _sample
from pipeline.resources import LanguageRules

FRENCH = "M. Léon Trotsky est arrivé hier à Paris avec son fils, Léon Sedov, qui habite rue Lacretelle."
GERMAN = "Der Sohn Trotzkis, Leo Sedow, wurde gestern in Berlin von der politischen Polizei verhört."
RUSSIAN = "Вчера в Москве товарищи обсуждали письмо Троцкого к его сыну Льву Седову."
SPANISH = "El señor Ramón Mercader del Río fue detenido ayer en Coyoacán por la policía."
ENGLISH = "Leon Trotsky arrived in Mexico in January 1937 with his wife Natalia Sedova."


@pytest.fixture(scope="module")
def identifier() -> LanguageIdentifier:
    return LanguageIdentifier(LanguageRules.load())


@pytest.mark.parametrize(
    "text, language", [(FRENCH, "fr"), (GERMAN, "de"), (RUSSIAN, "ru"), (SPANISH, "es"), (ENGLISH, "en")]
)
def test_each_language_is_told(identifier, text, language):
    detected = identifier.detect(text)
    assert (detected.language, detected.sure) == (language, True)


def test_a_text_too_short_or_without_letters_is_the_default_language(identifier):
    assert identifier.detect("Lev Sedov").language == "en"
    assert not identifier.detect("Lev Sedov").sure
    assert identifier.detect("1937 — 12 34").language == "en"


def test_the_sample_takes_the_start_the_middle_and_the_end():
    text = "a" * 1000 + "b" * 1000 + "c" * 1000
    sample = _sample(text, 300)
    assert sample.count("a") == sample.count("b") == sample.count("c") == 100
    assert _sample("short", 300) == "short"


def test_model_specs_give_the_default_and_the_languages():
    assert parse_model_specs(()) == ("en_core_web_md", {})
    assert parse_model_specs(("en_core_web_sm", "fr=fr_core_news_sm", "DE=x")) == (
        "en_core_web_sm",
        {"fr": "fr_core_news_sm", "de": "x"},
    )
    for bad in ("=x", "fr="):
        with pytest.raises(click.UsageError):
            parse_model_specs((bad,))


def test_the_default_model_and_overrides_go_over_the_configured_pipelines():
    rules = LanguageRules.load()
    assert language_pipelines(rules, "en_core_web_sm", {"fr": "fr_core_news_sm"}) == {
        **rules.pipelines,
        "en": "en_core_web_sm",
        "fr": "fr_core_news_sm",
    }


def test_a_french_document_is_read_by_the_french_pipeline_and_an_english_one_by_the_english(pipe):
    french = pipe.process_text(FRENCH, "fr")
    english = pipe.process_text(ENGLISH, "en")
    assert (french["language"], english["language"]) == ("fr", "en")
    assert pipe.lane("fr").nlp.lang == "fr" and pipe.lane("en") is pipe
    persons = {e["text"]: e["entity_id"] for e in french["entities"] if e["label"] == "PERSON"}
    assert persons.get("Léon Sedov") == "lev-sedov"  # the French model's PER, as namelink's PERSON
    assert any(e["entity_id"] == "leon-trotsky" for e in french["entities"])


def test_a_language_without_a_pipeline_is_read_by_the_default_one_and_says_its_language(pipe):
    italian = "Ieri sera Leone Trotsky ha parlato a lungo con i giornalisti nella sua casa di Coyoacán."
    record = pipe.process_text(italian, "it")
    assert record["language"] == "it" and pipe.lane("it") is pipe  # neither a model nor rules of its own
    russian = pipe.process_text(RUSSIAN, "ru")
    assert russian["language"] == "ru" and pipe.lane("ru").language == "ru"  # rules/ru/, the default model
    assert pipe.lane("ru").nlp.lang == "en"


def test_german_is_read_by_the_rules_alone_and_its_capitalised_nouns_are_no_people(pipe):
    text = GERMAN + " Die Regierung und der Minister Severing wussten davon, sagte die Zeitung."
    record = pipe.process_text(text, "de")
    assert record["language"] == "de" and "ner" not in pipe.lane("de").nlp.pipe_names
    persons = {e["text"]: e["entity_id"] for e in record["entities"] if e["label"] == "PERSON"}
    assert persons.get("Leo Sedow") == "lev-sedov"
    assert not {"Sohn", "Polizei", "Regierung", "Zeitung", "Minister"} & set(persons)


def test_a_mixed_folder_gets_a_language_per_record(pipe, tmp_path):
    inputs = tmp_path / "in"
    inputs.mkdir()
    for name, text in (("a_en", ENGLISH), ("b_fr", FRENCH), ("c_ru", RUSSIAN)):
        (inputs / f"{name}.txt").write_text(text * 3, encoding="utf-8")
    run_batch([inputs], tmp_path / "out", progress=False, pipeline=pipe)
    languages = {r["doc_id"]: r["language"] for r in read_jsonl(tmp_path / "out" / "documents.jsonl")}
    assert languages == {"a_en": "en", "b_fr": "fr", "c_ru": "ru"}


def test_a_language_pipeline_that_is_not_installed_is_a_usage_error(tmp_path):
    (tmp_path / "a.txt").write_text(ENGLISH, encoding="utf-8")
    args = ["run", str(tmp_path / "a.txt"), "--out", str(tmp_path / "out"), "--model", "fr=no_such_pipeline"]
    result = CliRunner().invoke(cli, args)
    assert result.exit_code == 2 and "no_such_pipeline" in result.output and "fr" in result.output
    assert not (tmp_path / "out").exists()


def test_evaluate_reports_each_language_of_the_records(pipe, tmp_path):
    import json

    from pipeline.evaluation.runner import score_run
    from pipeline.records import dumps

    raw = tmp_path / "raw"
    raw.mkdir()
    gold_lines, records = [], []
    for doc_id, text, name in (("a", ENGLISH, "Natalia Sedova"), ("b", FRENCH, "Léon Sedov")):
        (raw / f"{doc_id}.txt").write_text(text, encoding="utf-8")
        start = text.index(name)
        span = {"start": start, "end": start + len(name), "text": name, "label": "PERSON", "kb_id": "x"}
        gold_lines.append(json.dumps({"doc_id": doc_id, "spans": [span]}))
        records.append(pipe.process_text(text, doc_id))
    (tmp_path / "gold.jsonl").write_text("\n".join(gold_lines) + "\n", encoding="utf-8")
    (tmp_path / "documents.jsonl").write_bytes(b"".join(dumps(r) for r in records))
    reports = score_run(tmp_path / "gold.jsonl", raw, tmp_path / "documents.jsonl", "en_core_web_md", None)
    assert set(reports) == {"namelink", "namelink:en", "namelink:fr"}
    assert reports["namelink:fr"].counts["gold"] == reports["namelink:en"].counts["gold"] == 1
    assert reports["namelink:fr"].strict["recall"] == 1.0


# -- Russian names in the nominative ----------------------------------------------------------------


@pytest.mark.parametrize(
    "word, base",
    [
        ("Троцкого", "Троцкий"),
        ("Седовым", "Седов"),
        ("Зиновьеве", "Зиновьев"),
        ("Льву", "Лев"),
        ("Наталье", "Наталья"),
        ("Ивановне", "Ивановна"),  # a woman's patronymic stays a woman's
        ("Седовой", "Седова"),
        ("ТРОЦКОГО", "ТРОЦКИЙ"),
    ],
)
def test_an_inflected_russian_name_has_its_nominative(word, base):
    from pipeline.kb.morphology import nominative

    assert nominative(word) == base


@pytest.mark.parametrize("word", ["Троцкий", "Лев", "Седова", "Москве", "Яновке", "работы", "Trotsky", "к"])
def test_a_nominative_a_possible_nominative_a_place_or_a_common_word_is_left_alone(word):
    from pipeline.kb.morphology import nominative

    assert nominative(word) is None


def test_inflected_russian_names_link_to_the_knowledge_base(pipe):
    text = "Вчера товарищи обсуждали письмо Троцкого к его сыну Льву Седову. Наталья Ивановна писала Ленину."
    record = pipe.process_text(text, "ru")
    persons = {e["text"]: e["entity_id"] for e in record["entities"] if e["label"] == "PERSON"}
    assert record["text"] == text  # the text is never rewritten
    assert persons["Троцкого"] == "leon-trotsky"
    assert persons["Льву Седову"] == "lev-sedov"
    assert persons["Ленину"] == "vladimir-lenin"


def test_a_german_genitive_is_split_off_a_known_name_without_a_tagger(pipe):
    text = "Gestern wurde Trotzkis Sohn in Berlin verhaftet, und die Polizei fand einen Brief an Radek."
    record = pipe.process_text(text, "de")
    persons = [(e["text"], e["entity_id"]) for e in record["entities"] if e["label"] == "PERSON"]
    assert ("Trotzki", "leon-trotsky") in persons and ("Sohn", None) not in persons
    assert record["text"] == text


def test_french_m_is_a_title_in_a_french_document_and_an_initial_in_an_english_one(pipe):
    french = pipe.process_text(FRENCH, "fr")
    text = "See M. Gorky, Mother (Moscow, 1907), and the letters of Leon Trotsky to his son."
    english = pipe.process_text(text, "en")
    assert "Léon Trotsky" in [e["text"] for e in french["entities"] if e["label"] == "PERSON"]
    assert ("M. Gorky", "maxim-gorky") in [(e["text"], e["entity_id"]) for e in english["entities"]]


# -- documents of several languages ----------------------------------------------------------------

EN_PARAGRAPH = (
    "Leon Trotsky arrived in Mexico in January 1937 with his wife Natalia Sedova. They lived in the "
    "Blue House of Diego Rivera and Frida Kahlo in Coyoacán, where the Dewey Commission heard him."
)
FR_PARAGRAPH = (
    "Le jeune Léon Sedov est mort hier soir à la clinique Mirabeau. Sa compagne a déclaré que son "
    "père, M. Trotsky, était informé. La police française enquête sur les circonstances de sa mort."
)


def test_a_short_document_is_one_segment_in_its_language(identifier):
    segments = identifier.segments(FRENCH)
    assert [(s.start, s.end, s.language) for s in segments] == [(0, len(FRENCH), "fr")]


def test_a_long_document_of_one_language_is_one_segment(identifier):
    text = "\n\n".join([EN_PARAGRAPH] * 40)
    assert [(s.start, s.end, s.language) for s in identifier.segments(text)] == [(0, len(text), "en")]


def test_a_document_that_changes_language_is_cut_at_paragraph_breaks(identifier):
    english, french = "\n\n".join([EN_PARAGRAPH] * 12), "\n\n".join([FR_PARAGRAPH] * 12)
    text = english + "\n\n" + french + "\n\n" + english
    segments = identifier.segments(text)
    assert [s.language for s in segments] == ["en", "fr", "en"]
    assert segments[0].start == 0 and segments[-1].end == len(text)
    assert all(a.end == b.start for a, b in zip(segments, segments[1:], strict=False))  # nothing left out
    french_start = len(english) + 2
    assert abs(segments[1].start - french_start) <= len(EN_PARAGRAPH) + 2  # at a paragraph break
    assert text[segments[1].start - 2 : segments[1].start] == "\n\n"


def test_each_run_of_a_mixed_document_is_read_by_its_language_and_the_offsets_stay_true(pipe):
    english, french = "\n\n".join([EN_PARAGRAPH] * 12), "\n\n".join([FR_PARAGRAPH] * 12)
    text = english + "\n\n" + french
    record = pipe.process_text(text, "mixed")
    assert [s["language"] for s in record["segments"]] == ["en", "fr"]
    assert record["language"] in ("en", "fr") and record["status"] == "ok"
    for e in record["entities"]:
        assert record["text"][e["start"] : e["end"]] == e["text"] == text[e["raw_start"] : e["raw_end"]]
    persons = {(e["text"], e["entity_id"]) for e in record["entities"] if e["label"] == "PERSON"}
    assert ("Trotsky", "leon-trotsky") in persons  # M. Trotsky: the French rules make M. a title
    assert not any(t.startswith("M. ") for t, _ in persons)
    assert ("Natalia Sedova", "natalia-sedova") in persons and ("Léon Sedov", "lev-sedov") in persons
    assert "segments" not in pipe.process_text(EN_PARAGRAPH, "one")  # one language: the record as before


def test_a_run_that_fails_fails_its_document_and_says_where():
    from pipeline.io import RawDocument
    from pipeline.io.language import Segment
    from pipeline.output.build import document_record, joined_record

    raw = RawDocument("d", "d.txt", "abc def", "utf-8", "0" * 64)
    good = {**document_record(raw, doc_id="d", source="d.txt", language="en"), "text": "abc", "entities": []}
    bad = document_record(raw, doc_id="d", source="d.txt", error="ValueError: boom", language="fr")
    record = joined_record(raw, [(Segment(0, 4, "en"), good), (Segment(4, 7, "fr"), bad)])
    assert record["status"] == "error" and "boom" in record["error"] and "fr run at 4-7" in record["error"]
    assert record["entities"] == [] and record["text"] is None

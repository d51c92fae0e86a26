"""Citations: the author of a cited work is a person, a name in its title or imprint is not
(docs/annotation.md; issue 9, pipeline/recognise/citations.py).

Notes (``Author, Title (Place: Publisher, Year)``), bibliography entries
(``Surname, Given. Title. Place: Publisher, Year.``), translators and editors
(``trans. X``); negative cases show that prose in notes keeps its people. The
sentences are written for these tests, not taken from the gold sets.
"""

from __future__ import annotations


def people(pipe, text: str) -> list[str]:
    """The PERSON texts of ``text`` through the whole pipeline, in order."""
    record = pipe.process_text(text, "citations")
    return [e["text"] for e in record["entities"] if e["label"] == "PERSON"]


def test_notes_keep_authors_and_translators_and_drop_names_in_titles(pipe):
    text = (
        "12. Victor Serge, Portrait de Staline (Paris, 1940), p. 14.\n"
        "13. Roy Medvedev, Let History Judge: The Origins of Stalin's Rule, trans. Max Eastman "
        "(New York: Knopf, 1971), p. 30.\n"
    )
    assert people(pipe, text) == ["Victor Serge", "Roy Medvedev", "Max Eastman"]


def test_a_citation_after_see_and_after_a_semicolon(pipe):
    text = "14. On the purge, see Serge, Lenin (Paris, 1935), p. 2; Max Eastman, Since Lenin Died (London, 1925).\n"
    assert people(pipe, text) == ["Serge", "Max Eastman"]


def test_bibliography_entries_keep_the_author_and_drop_title_and_publisher(pipe):
    text = (
        "Serge, Victor. From Lenin to Stalin. New York: Pioneer Publishers, 1937.\n"
        "Eastman, Max. Since Lenin Died. New York: Henry Holt, 1925.\n"
        "Medvedev, Roy. On Stalin and Stalinism. Trans. Ellen de Kadt. Oxford: Oxford University Press, 1979.\n"
    )
    assert people(pipe, text) == ["Serge, Victor", "Eastman, Max", "Medvedev, Roy", "Ellen de Kadt"]


def test_two_authors_joined_by_and(pipe):
    text = "15. Max Eastman and Victor Serge, The Case of Leon Trotsky (New York, 1937), p. 9.\n"
    assert people(pipe, text) == ["Max Eastman", "Victor Serge"]


def test_prose_in_notes_keeps_its_people(pipe):
    text = (
        "4. Trotsky to Sedov, 12 May 1936, Houghton Library.\n"
        "5. Natalia Sedova, Trotsky's wife, arrived in the city (Paris, 1933).\n"
    )
    assert people(pipe, text) == ["Trotsky", "Sedov", "Natalia Sedova", "Trotsky"]


def test_a_year_in_brackets_after_a_name_in_running_text_is_no_imprint(pipe):
    text = "Victor Serge met Trotsky in Paris (1936) and wrote about Lenin (Moscow) later."
    assert people(pipe, text) == ["Victor Serge", "Trotsky", "Lenin"]

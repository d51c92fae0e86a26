"""pipeline.clean: raw text -> clean text, on the real seed texts of raw/."""

from __future__ import annotations

import re
import unicodedata

import pytest
from conftest import OWN_DIR, OWN_FILES, RAW_DIR, RAW_FILES, read_raw

from pipeline.clean import Cleaner

RAW_000 = RAW_DIR / "000_e5c80eea1864f996.txt"
RAW_001 = RAW_DIR / "001_8f575d694cbba0d8.txt"
RAW_002 = RAW_DIR / "002_af66884f1f3fa719.txt"
RAW_003 = RAW_DIR / "003_1c2513206c01a3f1.txt"
OWN_01 = OWN_DIR / "own_01_ocr_newspaper.txt"
OWN_05 = OWN_DIR / "own_05_police_report.txt"
OWN_08 = OWN_DIR / "own_08_scraped_webpage.txt"


@pytest.fixture(scope="module")
def cleaned(cleaner):
    """Clean text of every raw/ and own/ file, computed once."""
    return {path.name: (read_raw(path), cleaner.clean(read_raw(path))) for path in RAW_FILES + OWN_FILES}


def clean_text(cleaned, path) -> str:
    return cleaned[path.name][1].text


def raw_of(cleaned, path, start: int, end: int) -> str:
    raw, clean = cleaned[path.name]
    return raw[slice(*clean.raw_span(start, end))]


def test_docstring_example():
    cleaner = Cleaner(names=["Trotsky", "Sokolovskaya"])
    assert (
        cleaner.clean("When Trotskyconsideredescaping[3]Sokolovskaya agreed.").text
        == "When Trotsky considered escaping Sokolovskaya agreed."
    )


# -- citation markers ------------------------------------------------------------


def test_glued_citation_marker_becomes_a_space(cleaned):
    text = clean_text(cleaned, RAW_000)
    assert "[39]" not in text
    assert "during Stalinist repressions. Nina Bronstein (1902–1928) died" in text
    start = text.index("Nina Bronstein")
    assert raw_of(cleaned, RAW_000, start, start + len("Nina Bronstein")) == "Nina Bronstein"


def test_citation_marker_before_a_space_leaves_no_double_space(cleaned):
    # raw: "...likely perishing from neglect or purges.[22][40] These outcomes"
    text = clean_text(cleaned, RAW_000)
    assert "from neglect or purges. These outcomes, linked to" in text


def test_no_citation_markers_left_in_any_seed_text(cleaned):
    for path in RAW_FILES:
        assert not re.search(r"\[\d{1,4}\]", clean_text(cleaned, path)), path.name


def test_glued_citation_in_police_report(cleaned):
    text = clean_text(cleaned, OWN_05)
    assert "Jacson said he had bought the passport" in text
    assert "Ageloff stated that she had never seen" in text
    assert "Mercader del Río has refused" in text


# -- glued words --------------------------------------------------------------------


def test_glued_words_are_split(cleaned):
    text = clean_text(cleaned, RAW_000)
    assert "When Trotsky considered escaping from Siberia in the summer of 1902" in text
    assert "Sokolovskaya fully endorsed his plan" in text
    assert "They had two daughters, Zinaida Volkova and Nina Nevelson." in text
    assert "Trotskyconsideredescaping" not in text and "ZinaidaVolkova" not in text


def test_glued_name_maps_back_to_the_glued_raw_characters(cleaned):
    text = clean_text(cleaned, RAW_000)
    start = text.index("Zinaida Volkova")
    assert raw_of(cleaned, RAW_000, start, start + len("Zinaida Volkova")) == "ZinaidaVolkova"
    # the inserted space comes from no raw character
    raw, clean = cleaned[RAW_000.name]
    s, e = clean.raw_span(start + 7, start + 8)
    assert s == e
    start = text.index("Trotsky considered")
    assert raw_of(cleaned, RAW_000, start, start + len("Trotsky")) == "Trotsky"


def test_glued_words_in_scraped_page(cleaned):
    text = clean_text(cleaned, OWN_08)
    assert "People say Trotsky and Lenin made the revolution together" in text
    assert "with Sedova and Trotsky standing in the courtyard" in text
    assert "Manuel Arriaga complained" in text


@pytest.mark.parametrize(
    "path, word",
    [
        (RAW_000, "orphanhood"),
        (RAW_000, "Kazakhstan"),
        (RAW_000, "Sokolovskaya"),
        (RAW_003, "Nikolayev"),
        (RAW_001, "counterrevolutionary"),
        (RAW_003, "Mensheviks"),
        (RAW_003, "Zinoviev"),
        (RAW_003, "Bronshtein"),
    ],
)
def test_real_words_are_never_split(cleaned, path, word):
    raw = read_raw(path)
    text = clean_text(cleaned, path)
    assert raw.count(word) > 0
    assert text.count(word) == raw.count(word)


def test_proper_noun_starting_with_a_name_is_not_split(cleaned):
    raw = read_raw(RAW_003)
    assert raw.count("Alexandrinsky") == 2
    assert clean_text(cleaned, RAW_003).count("surround the Alexandrinsky Theater") == 2


def test_lowercase_dictionary_words_of_the_seed_texts_stay_whole(cleaned):
    """Every kept lower-case word of the raw texts that is an English word stays one word."""
    from pipeline.kb.lexicon import english_segmenter

    unigrams = english_segmenter().unigrams
    for path in RAW_FILES:
        raw, clean = cleaned[path.name]
        to_clean = {}
        for i in range(len(clean.text)):
            s, e = clean.raw_span(i, i + 1)
            if e - s == 1:
                to_clean[s] = i
        checked, broken = 0, []
        for m in re.finditer(r"(?<![\w\[])[a-z]{7,}(?![\w\]])", raw):
            if m.group() not in unigrams:
                continue
            positions = [to_clean.get(k) for k in range(m.start(), m.end())]
            if all(p is None for p in positions):
                continue  # dropped with boilerplate
            checked += 1
            if None in positions or clean.text[positions[0] : positions[-1] + 1] != m.group():
                broken.append(m.group())
        assert checked > 500
        assert not broken, f"{path.name}: split {broken[:10]}"


def test_rare_real_word_is_not_split(cleaner):
    # own_01_ocr_newspaper.txt
    raw = "Trotsky, who was sixty, was trephined late yesterday; the surgeons held out little hope."
    text = cleaner.clean(raw).text
    assert "was trephined late yesterday" in text


# -- boilerplate ------------------------------------------------------------------


def test_breadcrumb_line_is_removed(cleaned):
    raw = read_raw(RAW_000)
    assert "Home / Historical Figures / Aleksandra sokolovskaya and león trotsky" in raw
    text = clean_text(cleaned, RAW_000)
    assert "Home /" not in text and "Historical Figures" not in text
    # the page title above it is content and stays
    assert text.startswith("Aleksandra sokolovskaya and león trotsky")


def test_share_bars_are_removed_and_content_kept(cleaned):
    raw = read_raw(RAW_001)
    assert raw.count("Facebook Twitter Share") == 2
    text = clean_text(cleaned, RAW_001)
    assert "Facebook" not in text and "Twitter" not in text and "YouTube" not in text
    assert "The Trotskys Betrayed" in text
    assert "Stalin’s bureaucratic dictatorship assassinated Leon Trotsky 80 years ago." in text
    assert "Sam Miller" in text  # the byline is content


def test_related_article_teasers_are_removed(cleaned):
    text = clean_text(cleaned, RAW_001)
    for teaser in ("Jimena Vergara", "Claudia Cinatti", "Poor Things", "Sybil Davis", "March 30, 2024"):
        assert teaser in read_raw(RAW_001)
        assert teaser not in text
    assert text.rstrip().endswith("Sam lives and teaches in New York City.")


def test_footer_is_removed(cleaned):
    text = clean_text(cleaned, RAW_002)
    assert "To contact the WSWS" not in text
    assert "wsws.org/contact" not in text
    assert "Socialist Equality Party visit" not in text


# -- markdown -------------------------------------------------------------------------


def test_markdown_headings_are_stripped(cleaned):
    raw = read_raw(RAW_002)
    assert "## Women in the Russian Revolution" in raw
    text = clean_text(cleaned, RAW_002)
    lines = text.splitlines()
    assert "Women in the Russian Revolution" in lines
    assert "The letters of Natalia Sedova to Leon Trotsky" in lines
    assert not any(line.lstrip().startswith("#") for line in lines)
    # a '##' inside a sentence is not a heading
    assert "(## 5560-5578)" in text


def test_markdown_bold_link_line_is_stripped(cleaned):
    raw = read_raw(RAW_002)
    assert "**[wsws.org/contact](https://wsws.org/contact)**" in raw
    text = clean_text(cleaned, RAW_002)
    assert "**" not in text and "](" not in text and "https://" not in text


def test_markdown_emphasis_and_links_keep_their_text(cleaned):
    text = clean_text(cleaned, OWN_05)
    assert "in the name of Frank Jacson." in text
    assert "his true name was Jacques Mornard Vandendreschd, born at Teheran" in text
    assert "Sylvia Ageloff, of New York, declared" in text
    assert "See also Robert Sheldon Harte." in text
    assert "**" not in text and "](" not in text and "http://" not in text
    assert not any(line.startswith(("#", "- ", "---")) for line in text.splitlines())
    start = text.index("Frank Jacson")
    assert raw_of(cleaned, OWN_05, start, start + len("Frank Jacson")) == "Frank Jacson"


def test_markdown_cleaner_on_a_crafted_line(cleaner):
    raw = "**Leon Trotsky** met *Natalia Sedova* in `Paris`, see [Coyoacán](https://example.org/c)."
    clean = cleaner.clean(raw)
    assert clean.text == "Leon Trotsky met Natalia Sedova in Paris, see Coyoacán."
    for name in ("Leon Trotsky", "Natalia Sedova", "Paris"):
        start = clean.text.index(name)
        assert raw[slice(*clean.raw_span(start, start + len(name)))] == name


def test_bold_link_inside_a_sentence_is_stripped(cleaner):
    raw = "Natalia Sedova kept **[the archive in Coyoacán](https://example.org/archive)** for years."
    assert cleaner.clean(raw).text == "Natalia Sedova kept the archive in Coyoacán for years."


# -- line ends ---------------------------------------------------------------------------


def test_hyphenation_across_line_ends_is_rejoined(cleaned):
    text = clean_text(cleaned, OWN_01)
    assert "Trotsky's secretaries before the police arrived" in text
    assert "Miss Sylvia Ageloff, a social worker of Brooklyn" in text  # "Age¬\nloff"
    assert "Joseph Hansen, the exile's secretary" in text
    assert "Mornard, as the prisoner insists" in text
    assert "War Commissar of the Soviet Union" in text
    assert "Trot-" not in text and "¬" not in text
    for context, name, raw_form in [
        ("Sylvia Ageloff", "Ageloff", "Age¬\nloff"),
        ("Joseph Hansen", "Hansen", "Han-\nsen"),
        ("Mornard, as", "Mornard", "Mor-\nnard"),
        ("Trotsky's secretaries", "Trotsky", "Trot-\nsky"),
    ]:
        start = text.index(context) + context.index(name)
        assert raw_of(cleaned, OWN_01, start, start + len(name)) == raw_form


def test_hyphen_kept_before_capital_and_after_keep_prefix(cleaner):
    text = cleaner.clean("He travelled from Alma-\nAta to Prinkipo in a self-\nimposed silence.\n").text
    assert "Alma-Ata" in text
    assert "self-imposed" in text


def test_lowercase_continuation_lines_are_joined(cleaned):
    text = clean_text(cleaned, OWN_01)
    assert "the most hunted exile in the world, died here tonight" in text
    assert "who had been at her husband's side since their first meeting" in text


def test_hard_wrapped_paragraph_is_joined(cleaner):
    # a hard-wrapped paragraph of own_01_ocr_newspaper.txt (no hyphenated line ends)
    raw = (
        "It was the second attempt on Trotsky's life in three months. On\n"
        "May 24 a band of some twenty men, many in police uniforms and said\n"
        "to have been led by the painter David Alfaro Siqueiros, raked the\n"
        "bedroom with machine-gun fire. Trotsky and his wife escaped by\n"
        "lying on the floor beside the bed; their grandson Seva, a boy of\n"
        "fourteen, was grazed in the foot. An American guard, Robert Sheldon\n"
        "Harte, was carried off and later found dead in a lime pit.\n"
        "Siqueiros is still being sought.\n"
    )
    clean = cleaner.clean(raw)
    assert "three months. On May 24 a band" in clean.text
    assert "An American guard, Robert Sheldon Harte, was carried off" in clean.text
    start = clean.text.index("Robert Sheldon Harte")
    assert raw[slice(*clean.raw_span(start, start + 20))] == "Robert Sheldon\nHarte"


def test_hard_wrapped_document_with_hyphenation_is_joined(cleaned):
    text = clean_text(cleaned, OWN_01)
    assert "A few minutes later the household heard a terrible cry. Harold Robins, an American guard" in text
    assert "An American guard, Robert Sheldon Harte, was carried off" in text


def test_narrow_newspaper_column_is_joined(cleaner):
    # written for the test: a column of 30-36 characters, as OCR newspapers set them
    raw = (
        "Two journeymen out of work held\n"
        "up and robbed Walter Pemberton,\n"
        "a blacksmith of Lewiston, on the\n"
        "road home on Saturday. Sheriff\n"
        "Hargrove arrested the two men in\n"
        "the depot the next morning, and\n"
        "they will be tried in October.\n"
    )
    text = cleaner.clean(raw).text
    assert "robbed Walter Pemberton, a blacksmith" in text
    assert "Saturday. Sheriff Hargrove arrested" in text


def test_lines_of_a_list_are_not_a_column(cleaner):
    raw = (
        "Present at the meeting of the board:\n"
        "John Smith\n"
        "Mary Brown, secretary\n"
        "Walter Pemberton\n"
        "Alice Hargrove, treasurer of the fund\n"
        "The chairman opened the session at noon.\n"
    )
    text = cleaner.clean(raw).text
    assert "John Smith\nMary Brown" in text and "Walter Pemberton\nAlice Hargrove" in text


# -- whitespace ------------------------------------------------------------------------------


def test_whitespace_is_normalised(cleaned):
    for path in RAW_FILES + OWN_FILES:
        text = clean_text(cleaned, path)
        assert "\u00a0" not in text and "\t" not in text
        assert "\n\n\n" not in text
        assert not re.search(r"\S {2,}\S", text), path.name
        assert not re.search(r"(?m) +$", text), path.name
        assert text == text.lstrip()


# -- the map back to raw ------------------------------------------------------------------------


@pytest.mark.parametrize("path", RAW_FILES + OWN_FILES, ids=lambda p: p.name)
def test_every_clean_letter_maps_back_to_the_same_raw_letter(cleaned, path):
    raw, clean = cleaned[path.name]
    assert clean.text  # cleaning keeps the article
    bad = []
    for i, ch in enumerate(clean.text):
        if not ch.isalpha():
            continue
        s, e = clean.raw_span(i, i + 1)
        assert 0 <= s < e <= len(raw), (i, ch)
        if unicodedata.normalize("NFC", raw[s:e]).casefold() != ch.casefold():
            bad.append((i, ch, raw[s:e]))
    assert not bad, bad[:5]


@pytest.mark.parametrize("path", RAW_FILES + OWN_FILES, ids=lambda p: p.name)
def test_every_clean_word_maps_to_raw_characters_in_order(cleaned, path):
    raw, clean = cleaned[path.name]
    previous = 0
    for m in re.finditer(r"\w+", clean.text):
        s, e = clean.raw_span(m.start(), m.end())
        assert previous <= s < e <= len(raw)
        previous = s
        # same letters, only line-end hyphenation or lost spaces in between
        assert re.sub(r"[-¬\s]", "", raw[s:e]) == re.sub(r"[-¬\s]", "", m.group()) or (
            unicodedata.normalize("NFC", raw[s:e]) == m.group()
        ), (m.group(), raw[s:e])


def test_a_block_of_credits_or_an_index_of_even_lines_is_not_a_column(cleaner):
    credits = (
        "Photograph by Floyd Hargrove\nText by Marjorie Pemberton\nDesign by Zinaida Volkova\n"
        "Maps by Walter Pemberton\nPrinted by Alice Hargrove\nBound by Harold Pembury\n"
    )
    assert cleaner.clean(credits).text.strip() == credits.strip()
    index = "".join(f"{name}, {given}, 12, 40\n" for name, given in [
        ("Hargrove", "Floyd"), ("Pemberton", "Marjorie"), ("Pembury", "Harold"), ("Volkova", "Zinaida"),
        ("Hartley", "Walter"), ("Harwood", "Alice"), ("Hastings", "Edith"),
    ])  # fmt: skip
    assert cleaner.clean(index).text.strip() == index.strip()


# -- wikitext ------------------------------------------------------------------------------------


def test_wiki_links_keep_target_and_label_and_italics_are_emphasis(cleaner):
    raw = "See [[Mark Zborowski|Étienne]] and [[Jeanne Molinier]]; Broué's book is ''Léon Sedov''."
    clean = cleaner.clean(raw)
    assert clean.text == "See Mark Zborowski, Étienne and Jeanne Molinier; Broué's book is Léon Sedov."
    assert [clean.text[a:b] for a, b in clean.emphasis] == ["Léon Sedov"]
    start = clean.text.index("Étienne")
    assert raw[slice(*clean.raw_span(start, start + len("Étienne")))] == "Étienne"


def test_unclosed_wiki_brackets_and_bold_quotes_stay(cleaner):
    raw = "A stray [[bracket in a quote, and '''bold''' text, stay as they were."
    assert cleaner.clean(raw).text == raw

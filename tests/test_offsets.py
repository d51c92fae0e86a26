"""pipeline.io.offsets.MappedText: clean text that maps back to exact raw offsets."""

from __future__ import annotations

import random
import string
import unicodedata

import pytest

from pipeline.io import MappedText


def spans_of(mapped: MappedText) -> list[tuple[int, int]]:
    return [mapped.raw_span(i, i + 1) for i in range(len(mapped.text))]


# -- single edits --------------------------------------------------------------


def test_from_raw_is_identity():
    raw = "Leon Trotsky"
    mapped = MappedText.from_raw(raw)
    assert mapped.text == raw
    assert spans_of(mapped) == [(i, i + 1) for i in range(len(raw))]
    assert mapped.raw_span(0, len(raw)) == (0, len(raw))
    assert mapped.raw_span(5, 12) == (5, 12)


def test_insertion_maps_to_empty_span_and_never_widens_a_mention():
    raw = "ZinaidaVolkova met Trotsky"
    mapped = MappedText.from_raw(raw).apply([(7, 7, " ")])
    assert mapped.text == "Zinaida Volkova met Trotsky"
    # the inserted space comes from nowhere: an empty span at its raw position
    assert mapped.raw_span(7, 8) == (7, 7)
    # the words on either side keep their exact raw spans
    assert mapped.raw_span(0, 7) == (0, 7)
    assert mapped.raw_span(8, 15) == (7, 14)
    # the whole glued name maps back to exactly the glued raw characters
    start, end = mapped.raw_span(0, 15)
    assert raw[start:end] == "ZinaidaVolkova"
    # words after the insertion shift by one in clean text, not in raw
    start, end = mapped.raw_span(20, 27)
    assert raw[start:end] == "Trotsky"


def test_insertion_at_end_of_text():
    mapped = MappedText.from_raw("Trotsky").apply([(7, 7, ".")])
    assert mapped.text == "Trotsky."
    assert mapped.raw_span(7, 8) == (7, 7)
    assert mapped.raw_span(0, 7) == (0, 7)


def test_deletion_keeps_neighbours_exact():
    raw = "repressions.[39]Nina Bronstein died"
    mapped = MappedText.from_raw(raw).apply([(12, 16, "")])
    assert mapped.text == "repressions.Nina Bronstein died"
    start, end = mapped.raw_span(12, 26)
    assert raw[start:end] == "Nina Bronstein"
    assert mapped.raw_span(0, 12) == (0, 12)


def test_same_length_replacement_maps_character_by_character():
    raw = "Leon\u00a0Trotsky"
    mapped = MappedText.from_raw(raw).apply([(4, 5, " ")])
    assert mapped.text == "Leon Trotsky"
    assert spans_of(mapped) == [(i, i + 1) for i in range(len(raw))]
    # a longer same-length replacement is still one-to-one
    mapped = MappedText.from_raw("Trotzki").apply([(4, 7, "sky")])
    assert mapped.text == "Trotsky"
    assert spans_of(mapped) == [(i, i + 1) for i in range(7)]


def test_different_length_replacement_maps_every_new_char_to_whole_span():
    raw = "[39]Nina"
    mapped = MappedText.from_raw(raw).apply([(0, 4, " ")])
    assert mapped.text == " Nina"
    assert mapped.raw_span(0, 1) == (0, 4)
    assert mapped.raw_span(1, 5) == (4, 8)

    raw = "Trot-\nsky"
    mapped = MappedText.from_raw(raw).apply([(4, 6, "")])
    assert mapped.text == "Trotsky"
    assert mapped.raw_span(0, 7) == (0, 9)
    assert raw[slice(*mapped.raw_span(0, 7))] == "Trot-\nsky"

    # expanding replacement: every new character maps to the whole replaced span
    mapped = MappedText.from_raw("a&b").apply([(1, 2, " and ")])
    assert mapped.text == "a and b"
    assert {mapped.raw_span(i, i + 1) for i in range(1, 6)} == {(1, 2)}
    assert mapped.raw_span(6, 7) == (2, 3)


def test_edits_may_come_unsorted_and_chain_over_several_rounds():
    raw = "**Frank Jacson**[1]said"
    first = MappedText.from_raw(raw).apply([(16, 19, " "), (14, 16, ""), (0, 2, "")])
    assert first.text == "Frank Jacson said"
    second = first.apply([(5, 6, "\u00a0")]).apply([(5, 6, " ")])
    assert second.text == "Frank Jacson said"
    start, end = second.raw_span(0, 12)
    assert raw[start:end] == "Frank Jacson"
    start, end = second.raw_span(13, 17)
    assert raw[start:end] == "said"


def test_overlapping_edits_are_rejected():
    mapped = MappedText.from_raw("Leon Trotsky")
    with pytest.raises(ValueError):
        mapped.apply([(0, 5, ""), (3, 8, "x")])


def test_no_edits_returns_same_text():
    mapped = MappedText.from_raw("Trotsky")
    assert mapped.apply([]).text == "Trotsky"


def test_empty_span_maps_to_a_position():
    raw = "Leon Trotsky"
    mapped = MappedText.from_raw(raw)
    assert mapped.raw_span(5, 5) == (5, 5)
    assert mapped.raw_span(len(raw), len(raw)) == (len(raw), len(raw))


# -- transform_lines -----------------------------------------------------------


def test_transform_lines_maps_changed_characters_by_alignment():
    raw = "Trotsky in Vienna\nLeon Trotzki in Paris\n"
    mapped = MappedText.from_raw(raw).transform_lines(lambda line: line.replace("Trotzki", "Trotsky"))
    assert mapped.text == "Trotsky in Vienna\nLeon Trotsky in Paris\n"
    start = mapped.text.index("Leon Trotsky")
    s, e = mapped.raw_span(start, start + len("Leon Trotsky"))
    assert raw[s:e] == "Leon Trotzki"
    s, e = mapped.raw_span(mapped.text.index("Paris"), mapped.text.index("Paris") + 5)
    assert raw[s:e] == "Paris"


def test_transform_lines_nfc_maps_composed_letter_to_both_raw_code_points():
    raw = "Le\u0301on Trotsky\n"  # decomposed é
    mapped = MappedText.from_raw(raw).transform_lines(lambda line: unicodedata.normalize("NFC", line))
    assert mapped.text == "Léon Trotsky\n"
    assert raw[slice(*mapped.raw_span(1, 2))] == "e\u0301"
    assert raw[slice(*mapped.raw_span(0, 4))] == "Le\u0301on"
    assert raw[slice(*mapped.raw_span(5, 12))] == "Trotsky"


# -- property check with random edits -------------------------------------------


class Reference:
    """An obviously correct model of the documented mapping rules: a list of
    (character, raw_start, raw_end) per character of the current text."""

    def __init__(self, raw: str) -> None:
        self.raw_length = len(raw)
        self.chars = [(ch, i, i + 1) for i, ch in enumerate(raw)]

    def apply(self, edits):
        out, cursor = [], 0
        for start, end, new in sorted(edits):
            out += self.chars[cursor:start]
            if new:
                if end - start == len(new):
                    out += [(ch, s, e) for ch, (_, s, e) in zip(new, self.chars[start:end], strict=True)]
                elif start == end:
                    pos = self.chars[start][1] if start < len(self.chars) else self.raw_length
                    out += [(ch, pos, pos) for ch in new]
                else:
                    lo, hi = self.chars[start][1], self.chars[end - 1][2]
                    out += [(ch, lo, hi) for ch in new]
            cursor = end
        out += self.chars[cursor:]
        self.chars = out

    @property
    def text(self) -> str:
        return "".join(ch for ch, _, _ in self.chars)


def random_edits(rng: random.Random, length: int) -> list[tuple[int, int, str]]:
    """Non-overlapping random edits: insertions, deletions, same- and different-length replacements."""
    edits, pos = [], 0
    alphabet = string.ascii_letters + " -\n"
    while pos <= length:
        pos += rng.randint(0, 6)
        if pos > length:
            break
        kind = rng.choice(["insert", "delete", "same", "grow", "shrink", "keep"])
        if kind == "insert":
            edits.append((pos, pos, "".join(rng.choices(alphabet, k=rng.randint(1, 3)))))
            pos += 1  # never two edits at one position
            continue
        width = min(rng.randint(1, 4), length - pos)
        if width == 0:
            break
        if kind == "delete":
            edits.append((pos, pos + width, ""))
        elif kind == "same":
            edits.append((pos, pos + width, "".join(rng.choices(alphabet, k=width))))
        elif kind == "grow":
            edits.append((pos, pos + width, "".join(rng.choices(alphabet, k=width + rng.randint(1, 3)))))
        elif kind == "shrink" and width > 1:
            edits.append((pos, pos + width, "".join(rng.choices(alphabet, k=rng.randint(1, width - 1)))))
        pos += width
    rng.shuffle(edits)  # apply() must not depend on the order it is given
    return edits


@pytest.mark.parametrize("seed", range(40))
def test_random_edits_match_reference_model(seed):
    rng = random.Random(seed)
    raw = "".join(rng.choices(string.ascii_letters + "  \n", k=rng.randint(0, 120)))
    mapped, ref = MappedText.from_raw(raw), Reference(raw)
    kept = set(range(len(raw)))  # raw positions whose character was never edited
    for _ in range(rng.randint(1, 5)):
        edits = random_edits(rng, len(mapped.text))
        for start, end, _new in edits:
            for _ch, s, _e in ref.chars[start:end]:
                kept.discard(s)
        mapped = mapped.apply(edits)
        ref.apply(edits)
        assert mapped.text == ref.text

        # every character maps exactly as the rules say
        assert spans_of(mapped) == [(s, e) for _, s, e in ref.chars]

        # any clean span maps to (start of its first char, end of its last char)
        n = len(mapped.text)
        for _ in range(20):
            if n == 0:
                break
            i = rng.randrange(n)
            j = rng.randint(i + 1, n)
            assert mapped.raw_span(i, j) == (ref.chars[i][1], ref.chars[j - 1][2])

        # invariants that hold without the reference: spans lie inside raw,
        # are ordered, and untouched characters map to the same raw character
        spans = spans_of(mapped)
        assert all(0 <= s <= e <= len(raw) for s, e in spans)
        starts = [s for s, _ in spans]
        assert starts == sorted(starts)
        for ch, s, e in ref.chars:
            if e - s == 1 and s in kept:
                assert raw[s] == ch

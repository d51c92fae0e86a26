"""Synthetic people for a large-knowledge-base benchmark (issue 13): ``bench/run.py --kb-size N``.

:func:`synthetic_people` makes ``n`` realistic Russian people, seeded and
deterministic: a given name x a patronymic (from a father's given name) x a
surname (a stem and an ending, in the form of the person's sex: Petrov /
Petrova, Kamensky / Kamenskaya), with the name's usual diminutive, a birth
year, and a prominence of 1. Many share given names and surnames, as a
register of a party or a ministry does. A share of them (``namesake_share``,
2%) bear the surname of a real person of their sex (an Ivan Trotsky, an Olga
Sedova), so a bare ``Trotsky`` of the seed texts meets namesakes (about six
per real surname at 100,000 people); the others' surnames are never a real
person's.

:func:`models_with_people` writes a copy of a models folder whose
``kb/persons.yaml`` is the real one followed by the synthetic people.

    python bench/synthetic_kb.py 1000 --out /tmp/models-1k    # a models folder with 1,000 more people
"""

from __future__ import annotations

import argparse
import random
import shutil
import sys
from collections.abc import Iterator
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

#: (given name, its diminutive, the patronymic stem of a son or daughter of a man of that name).
MALE_NAMES = [
    ("Aleksandr", "Sasha", "Aleksandrov"),
    ("Aleksei", "Alyosha", "Alekseev"),
    ("Anatoly", "Tolya", "Anatolyev"),
    ("Andrei", "Andryusha", "Andreev"),
    ("Boris", "Borya", "Borisov"),
    ("Vadim", "Vadik", "Vadimov"),
    ("Valentin", "Valya", "Valentinov"),
    ("Vasily", "Vasya", "Vasilyev"),
    ("Viktor", "Vitya", "Viktorov"),
    ("Vladimir", "Volodya", "Vladimirov"),
    ("Gennady", "Gena", "Gennadyev"),
    ("Georgy", "Zhora", "Georgyev"),
    ("Grigory", "Grisha", "Grigoryev"),
    ("Dmitry", "Mitya", "Dmitryev"),
    ("Yevgeny", "Zhenya", "Yevgenyev"),
    ("Ivan", "Vanya", "Ivanov"),
    ("Ilya", "Ilyusha", "Ilyich"),
    ("Kirill", "Kiryusha", "Kirillov"),
    ("Konstantin", "Kostya", "Konstantinov"),
    ("Leonid", "Lyonya", "Leonidov"),
    ("Maksim", "Maks", "Maksimov"),
    ("Mikhail", "Misha", "Mikhailov"),
    ("Nikolai", "Kolya", "Nikolaev"),
    ("Oleg", "Olezhka", "Olegov"),
    ("Pavel", "Pasha", "Pavlov"),
    ("Pyotr", "Petya", "Petrov"),
    ("Roman", "Roma", "Romanov"),
    ("Semyon", "Syoma", "Semyonov"),
    ("Stepan", "Styopa", "Stepanov"),
    ("Fyodor", "Fedya", "Fyodorov"),
    ("Yakov", "Yasha", "Yakovlev"),
    ("Yuri", "Yura", "Yuryev"),
    ("Arkady", "Arkasha", "Arkadyev"),
    ("Timofei", "Tima", "Timofeev"),
    ("Matvei", "Motya", "Matveev"),
    ("Yegor", "Yegorka", "Yegorov"),
]
FEMALE_NAMES = [
    ("Aleksandra", "Shura"),
    ("Anna", "Anya"),
    ("Antonina", "Tonya"),
    ("Valentina", "Valya"),
    ("Vera", "Verochka"),
    ("Galina", "Galya"),
    ("Darya", "Dasha"),
    ("Yekaterina", "Katya"),
    ("Yelena", "Lena"),
    ("Zinaida", "Zina"),
    ("Irina", "Ira"),
    ("Klavdia", "Klava"),
    ("Lidia", "Lida"),
    ("Lyubov", "Lyuba"),
    ("Lyudmila", "Lyuda"),
    ("Maria", "Masha"),
    ("Nadezhda", "Nadya"),
    ("Natalia", "Natasha"),
    ("Nina", "Ninochka"),
    ("Olga", "Olya"),
    ("Praskovya", "Pasha"),
    ("Raisa", "Raya"),
    ("Svetlana", "Sveta"),
    ("Sofia", "Sonya"),
    ("Tamara", "Toma"),
    ("Tatiana", "Tanya"),
    ("Yevdokia", "Dusya"),
    ("Yulia", "Yulya"),
    ("Evgenia", "Zhenya"),
    ("Polina", "Polya"),
]
#: Surname stems and the endings a stem takes (male form, female form).
SURNAME_STEMS = [
    "Abram",
    "Bel",
    "Bobr",
    "Bogdan",
    "Bykh",
    "Vasil",
    "Volk",
    "Vorob",
    "Gavril",
    "Gerasim",
    "Golub",
    "Gorb",
    "Grom",
    "Gus",
    "Davyd",
    "Dem",
    "Dorofe",
    "Yegor",
    "Yermol",
    "Zhuk",
    "Zaits",
    "Zakhar",
    "Zuy",
    "Kalash",
    "Karp",
    "Kisel",
    "Klim",
    "Kozl",
    "Kolesn",
    "Komar",
    "Korol",
    "Kotl",
    "Kudryavts",
    "Kuzm",
    "Lapin",
    "Lebed",
    "Lysen",
    "Makar",
    "Maly",
    "Medved",
    "Melnik",
    "Mironen",
    "Moroz",
    "Nazar",
    "Nikit",
    "Orekh",
    "Osip",
    "Pankrat",
    "Pestr",
    "Polyak",
    "Ponomar",
    "Prokhor",
    "Rodion",
    "Rybak",
    "Savel",
    "Sazon",
    "Sverdl",
    "Sidor",
    "Sokol",
    "Solov",
    "Strel",
    "Sukh",
    "Tarasen",
    "Tikhon",
    "Trofim",
    "Ustin",
    "Fedots",
    "Filipp",
    "Frol",
    "Khar",
    "Tsvetk",
    "Chern",
    "Chistyak",
    "Shest",
    "Shirok",
    "Shubin",
    "Yurch",
    "Yakush",
    "Vetr",
    "Lyub",
]
#: Bumped when the people made change (a models folder of an older version is made again).
VERSION = 2
SURNAME_ENDINGS = [("ov", "ova"), ("ev", "eva"), ("in", "ina"), ("sky", "skaya"), ("enko", "enko"), ("ovich", "ovich")]


def synthetic_people(
    n: int,
    seed: int = 13,
    avoid: frozenset[str] = frozenset(),
    real: tuple[list[str], list[str]] = ([], []),
    namesake_share: float = 0.02,
) -> Iterator[dict]:
    """``n`` person entries of the knowledge base's schema (see the module): ``avoid`` surnames
    (lower case) never made up, ``real`` the (male, female) surnames of real people, which a
    ``namesake_share`` of them bear; the same arguments give the same people."""
    rng = random.Random(seed)
    surnames = [(stem + m, stem + f) for stem in SURNAME_STEMS for m, f in SURNAME_ENDINGS]
    surnames = [pair for pair in surnames if pair[0].lower() not in avoid and pair[1].lower() not in avoid]
    for k in range(n):
        female = rng.random() < 0.4
        father = rng.choice(MALE_NAMES)
        male_surname, female_surname = rng.choice(surnames)
        namesakes = real[1 if female else 0]
        if namesakes and rng.random() < namesake_share:
            male_surname = female_surname = rng.choice(namesakes)
        if female:
            given, diminutive = rng.choice(FEMALE_NAMES)
            patronymic, surname = _patronymic(father, female=True), female_surname
        else:
            given, diminutive, _ = rng.choice(MALE_NAMES)
            patronymic, surname = _patronymic(father, female=False), male_surname
        born = rng.randint(1860, 1920)
        yield {
            "id": f"synthetic-{k:07d}",
            "canonical": f"{given} {surname}",
            "sex": "F" if female else "M",
            "description": f"synthetic person {k} of the benchmark (bench/synthetic_kb.py), born {born}",
            "born": born,
            "given": [given],
            "patronymic": [patronymic],
            "surname": [surname],
            "diminutives": [diminutive],
            "prominence": 1,
            "source": f"bench/synthetic_kb.py seed {seed}",
        }


def _patronymic(father: tuple[str, str, str], female: bool) -> str:
    stem = father[2]
    if stem.endswith("ich"):  # Ilyich / Ilyinichna
        return stem[:-3] + "inichna" if female else stem
    base = stem[:-2] if stem.endswith(("ov", "ev")) else stem
    soft = stem.endswith("ev")
    if female:
        return base + ("evna" if soft else "ovna")
    return base + ("evich" if soft else "ovich")


def models_with_people(n: int, out: Path, source: Path | None = None, seed: int = 13) -> Path:
    """A copy of the models folder ``source`` (default the project's) at ``out`` with ``n`` synthetic
    people after the real ones in ``kb/persons.yaml``; reused when it is there already."""
    from pipeline.resources import DEFAULT_MODELS_DIR

    source = source or DEFAULT_MODELS_DIR
    marker = out / ".synthetic"
    if marker.is_file() and marker.read_text() == f"{n} {seed} {VERSION}":
        return out
    shutil.rmtree(out, ignore_errors=True)
    shutil.copytree(source, out, ignore=shutil.ignore_patterns("__pycache__", "corrections"))
    persons = out / "kb" / "persons.yaml"
    real = yaml.safe_load(persons.read_text(encoding="utf-8")) or []
    avoid = frozenset(s.lower() for e in real for s in e.get("surname", []))
    by_sex = tuple(sorted({s for e in real if e.get("sex") == sex for s in e.get("surname", [])}) for sex in "MF")
    with open(persons, "a", encoding="utf-8") as handle:
        handle.write(f"\n# {n} synthetic people (bench/synthetic_kb.py, seed {seed})\n")
        for entry in synthetic_people(n, seed, avoid, by_sex):
            handle.write("\n" + yaml.safe_dump([entry], allow_unicode=True, sort_keys=False, width=1 << 20))
    marker.write_text(f"{n} {seed} {VERSION}")
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("n", type=int, help="how many synthetic people")
    parser.add_argument("--out", type=Path, required=True, help="the models folder to write")
    parser.add_argument("--seed", type=int, default=13)
    args = parser.parse_args()
    folder = models_with_people(args.n, args.out, seed=args.seed)
    print(f"{folder}: the real knowledge base and {args.n:,} synthetic people")


if __name__ == "__main__":
    main()

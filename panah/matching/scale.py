"""A labelled set at the size of a national registry, with names as concentrated as the caseload's.

`crossscript.generate` draws names by rank with a gentle slope, which suits a few thousand records.
A registry of a quarter of a million or a million persons is different: among Afghans a few given
names (Mohammad, Ahmad, Ali...) cover a large share of the men, and a few dozen family names cover
most families, so the same name and birth year is held by many different persons. This module uses
the same persons, households and corruption model (`crossscript._Writer`) with

- names drawn by rank with a steep slope (NAME_EXPONENT): the most common given name of a culture
  is held by about a quarter of its men, the five most common by over half;
- namesakes: groups of men with one of the most common names and the *same* birth year (the
  year alone known for some), each with his own document, father and address;
- a son named after his father (same given, family name and household, born a generation later);
- twins (as in `crossscript`): the same birth date and household, different given names.

`generate(n, seed)` is deterministic for a seed and returns rows with the truth in `cluster`, like
`crossscript.generate`.
"""

from __future__ import annotations

import random

from panah.matching import crossscript
from panah.matching.crossscript import CULTURES, Name, Person, _Builder, names

# Slope of the rank-frequency law of names (1 / rank ** exponent): 1.1 gives the most common of 30
# given names about 28% of the men of a culture, and the most common of 24 family names about 30%.
NAME_EXPONENT = 1.1
# One group of namesakes (the same common name and birth year) in so many persons, of 2 to 6 men.
NAMESAKES_EVERY = 120
# The share of households where a son carries his father's given name.
P_NAMED_AFTER_FATHER = 0.1


def _ranked(rng: random.Random, options: tuple[Name, ...], exponent: float = NAME_EXPONENT) -> Name:
    weights = [1 / (rank + 1) ** exponent for rank in range(len(options))]
    return rng.choices(options, weights=weights, k=1)[0]


class _ScaleBuilder(_Builder):
    def person(self, culture: str, sex: str, **kwargs) -> Person:  # type: ignore[override]
        rng = self.rng
        given_culture = CULTURES[culture][1]
        if kwargs.get("given") is None:
            kwargs["given"] = _ranked(rng, names()[given_culture, sex.lower()])
        if kwargs.get("family") is None:
            kwargs["family"] = _ranked(rng, names()[culture, "family"])
        if kwargs.get("father") is None:
            kwargs["father"] = _ranked(rng, names()[given_culture, "m"])
        return super().person(culture, sex, **kwargs)

    def household(self) -> list[Person]:
        members = super().household()
        head = members[0]
        sons = [p for p in members[1:] if p.sex == "M" and p.father is head.given]
        if sons and self.rng.random() < P_NAMED_AFTER_FATHER and all(p.given is not head.given for p in members[1:]):
            sons[0].given = head.given
        return members

    def namesakes(self, count: int) -> list[Person]:
        """Men with one of the five most common names of their culture, born the same year."""
        rng = self.rng
        culture = rng.choice(("afg", "afg", "afg", "tjk", "uzb", "syr"))
        given_culture = CULTURES[culture][1]
        given = rng.choice(names()[given_culture, "m"][:5])
        family = rng.choice(names()[culture, "family"][:5])
        year = rng.randint(1960, 2000)
        men = []
        for _ in range(count):
            birth = (year, None, None) if rng.random() < 0.3 else self._birth(year, year)
            men.append(self.person(culture, "M", given=given, family=family, birth=birth))
        return men


def generate(n: int, seed: int = 0) -> list[dict[str, str]]:
    """`n` person-file records (shuffled, person_id P0000001...) with the truth in `cluster`."""
    return crossscript.records_of(_ScaleBuilder(seed), n, namesake_every=NAMESAKES_EVERY, namesake_sizes=(2, 6))

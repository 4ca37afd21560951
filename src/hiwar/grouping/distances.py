"""From people to distances: how different two participants' backgrounds are (C7), with convenor weights.

A pure core, no Django. Each person is a mapping of attributes; two people are far apart when they
differ on what the convenor weighs most. A "met before" term keeps apart people who already sat at
one table in an earlier dialogue of the same space ("preferably people not familiar with each
other's views").
"""

from collections.abc import Iterable, Sequence

import numpy as np

# Categorical attributes: 1 when both are known and differ, 0 when equal, half when one is unknown.
CATEGORICAL = (
    "sector",
    "stakeholder_group",
    "organisation",
    "organisation_type",
    "gender",
    "country",
    "region",
)
AGE_RANGES = ("0-18", "19-30", "31-50", "51-65", "66-80", "80+")

DEFAULT_WEIGHTS = {
    "sector": 3.0,
    "stakeholder_group": 3.0,
    "organisation": 2.0,
    "organisation_type": 2.0,
    "gender": 2.0,
    "age_range": 1.0,
    "country": 1.0,
    "region": 1.0,
    "languages": 1.0,
    "met_before": 4.0,
}


def _categorical(values: Sequence[str]) -> np.ndarray:
    """1 where two known values differ, 0 where equal, 0.5 where either is unknown."""
    codes = {v: i for i, v in enumerate(sorted({v for v in values if v}))}
    labels = np.array([codes.get(v, -1) if v else -1 for v in values])
    known = labels >= 0
    differ = (labels[:, None] != labels[None, :]).astype(float)
    uncertain = ~(known[:, None] & known[None, :])
    return np.where(uncertain, 0.5, differ)


def _ordinal(values: Sequence[str], scale: Sequence[str]) -> np.ndarray:
    rank = {v: i / (len(scale) - 1) for i, v in enumerate(scale)}
    positions = np.array([rank.get(v, np.nan) for v in values])
    gaps = np.abs(positions[:, None] - positions[None, :])
    return np.where(np.isnan(gaps), 0.5, gaps)


def _jaccard(sets: Sequence[Iterable[str]]) -> np.ndarray:
    groups = [frozenset(s) for s in sets]
    n = len(groups)
    result = np.full((n, n), 0.5)
    for i in range(n):
        for j in range(i, n):
            a, b = groups[i], groups[j]
            if a and b:
                result[i, j] = result[j, i] = 1.0 - len(a & b) / len(a | b)
    return result


def distance_matrix(
    people: Sequence[dict],
    weights: dict[str, float] | None = None,
    met_before: Iterable[tuple[int, int]] = (),
) -> np.ndarray:
    """Symmetric distances between people (indices as in `people`), zero on the diagonal."""
    weights = {**DEFAULT_WEIGHTS, **(weights or {})}
    n = len(people)
    total = np.zeros((n, n))
    for name in CATEGORICAL:
        if weights.get(name):
            total += weights[name] * _categorical([str(p.get(name) or "") for p in people])
    if weights.get("age_range"):
        total += weights["age_range"] * _ordinal([p.get("age_range") or "" for p in people], AGE_RANGES)
    if weights.get("languages"):
        total += weights["languages"] * _jaccard([p.get("languages") or () for p in people])
    if weights.get("met_before"):
        # Having sat together makes two people less "new" to each other: it lowers their distance.
        for i, j in met_before:
            total[i, j] -= weights["met_before"]
            total[j, i] -= weights["met_before"]
    np.fill_diagonal(total, 0.0)
    return total


def same_organisation_pairs(people: Sequence[dict]) -> list[tuple[int, int]]:
    """Pairs to keep apart under the rule "no two people of the same organisation at a table"."""
    by_organisation: dict[str, list[int]] = {}
    for index, person in enumerate(people):
        organisation = str(person.get("organisation") or "").strip().casefold()
        if organisation:
            by_organisation.setdefault(organisation, []).append(index)
    return [
        (a, b)
        for members in by_organisation.values()
        for i, a in enumerate(members)
        for b in members[i + 1 :]
    ]


def no_common_language_pairs(people: Sequence[dict]) -> list[tuple[int, int]]:
    """Pairs who share no working language: apart, so that each table can talk without interpretation.

    Sharing a language two by two is what every table with one common language needs; the tables
    page still checks each table for a language common to all. People with no language given are
    left free.
    """
    languages = [frozenset(p.get("languages") or ()) for p in people]
    return [
        (i, j)
        for i in range(len(people))
        for j in range(i + 1, len(people))
        if languages[i] and languages[j] and not languages[i] & languages[j]
    ]


def common_languages(people: Sequence[dict], members: Iterable[int]) -> set[str]:
    """The working languages everyone at a table speaks (people with none given are ignored)."""
    sets = [frozenset(people[i].get("languages") or ()) for i in members]
    sets = [s for s in sets if s]
    return set.intersection(*map(set, sets)) if sets else set()


def table_make_up(people: Sequence[dict], members: Iterable[int], attribute: str) -> dict[str, int]:
    """How many people of each value of `attribute` sit at one table (for the convenor's overview)."""
    counts: dict[str, int] = {}
    for index in members:
        value = str(people[index].get(attribute) or "")
        counts[value] = counts.get(value, 0) + 1
    return dict(sorted(counts.items(), key=lambda item: (-item[1], item[0])))

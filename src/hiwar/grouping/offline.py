"""Compose tables from a spreadsheet: for secretariats who only have a list of participants (issue 4).

    hiwar groups compose participants.csv --tables 8 [--facilitators facilitators.csv] --out groups.csv

Pure Python and NumPy, no database. Every bad row is reported with its line number and nothing is
written; the columns are documented in the README.
"""

import csv
import io
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from hiwar.grouping.distances import AGE_RANGES, distance_matrix, same_organisation_pairs, table_make_up
from hiwar.grouping.solver import Problem, objective_of, solve

COLUMNS = (
    "name",
    "organisation",
    "organisation_type",
    "sector",
    "stakeholder_group",
    "gender",
    "age_range",
    "country",
    "region",
    "languages",
    "keep_with",
)
REQUIRED = ("name",)


class CompositionInputError(ValueError):
    def __init__(self, problems: list[str]):
        super().__init__("\n".join(problems))
        self.problems = problems


@dataclass
class Composition:
    people: list[dict]
    tables: list[list[int]]  # indices into people; the facilitator first
    facilitator_of: dict[int, int]  # table -> person index
    objective: float
    random_objective: float  # the mean of random groupings under the same rules, for comparison


def _read_rows(path: Path, what: str) -> list[tuple[int, dict]]:
    try:
        text = path.read_text(encoding="utf-8-sig")
    except (OSError, UnicodeDecodeError) as error:
        raise CompositionInputError([f"{path}: cannot be read as UTF-8 text ({error})."]) from error
    reader = csv.DictReader(io.StringIO(text))
    if not reader.fieldnames or "name" not in [f.strip() for f in reader.fieldnames]:
        raise CompositionInputError(
            [f"{path}: the first line must name the columns, including “name” ({what})."]
        )
    unknown = [f for f in reader.fieldnames if f.strip() not in COLUMNS]
    if unknown:
        raise CompositionInputError([f"{path}, line 1: unknown column(s): {', '.join(unknown)}."])
    return [(reader.line_num, {k.strip(): (v or "").strip() for k, v in row.items() if k}) for row in reader]


def _check(path: Path, rows: list[tuple[int, dict]], seen: dict[str, str], problems: list[str]) -> None:
    for line, row in rows:
        name = row.get("name", "")
        if not name:
            problems.append(f"{path}, line {line}: the name is empty.")
            continue
        key = name.casefold()
        if key in seen:
            problems.append(f"{path}, line {line}: “{name}” already appears ({seen[key]}).")
        seen[key] = f"{path}, line {line}"
        age = row.get("age_range", "")
        if age and age not in AGE_RANGES:
            problems.append(f"{path}, line {line}: age range “{age}” is not one of {', '.join(AGE_RANGES)}.")


def read_people(participants: Path, facilitators: Path | None) -> tuple[list[dict], list[int], list[str]]:
    """People (facilitators first), the facilitators' indices, and the problems found (line by line)."""
    problems: list[str] = []
    seen: dict[str, str] = {}
    facilitator_rows = _read_rows(facilitators, "facilitators") if facilitators else []
    participant_rows = _read_rows(participants, "participants")
    if facilitators:
        _check(facilitators, facilitator_rows, seen, problems)
    _check(participants, participant_rows, seen, problems)
    people = []
    for _line, row in [*facilitator_rows, *participant_rows]:
        person = {c: row.get(c, "") for c in COLUMNS}
        person["languages"] = [
            x.strip() for x in person["languages"].replace(",", ";").split(";") if x.strip()
        ]
        people.append(person)
    names = {p["name"].casefold(): i for i, p in enumerate(people)}
    for line, row in participant_rows:
        other = row.get("keep_with", "")
        if other and other.casefold() not in names:
            problems.append(
                f"{participants}, line {line}: keep_with names “{other}”, who is not in the list."
            )
    return people, list(range(len(facilitator_rows))), problems


def compose(
    participants: Path,
    tables: int,
    facilitators: Path | None = None,
    *,
    weights: dict | None = None,
    organisations_apart: bool = True,
    time_limit: float = 2.0,
    seed: int = 0,
) -> Composition:
    people, facilitator_indices, problems = read_people(participants, facilitators)
    if not people and not problems:
        problems.append(f"{participants}: no participants; the file has only its header row.")
    if tables < 1:
        problems.append("There must be at least one table.")
    elif people and tables > len(people):
        # Checked before any array is sized by the table count (--tables 10**9 would exhaust memory).
        problems.append(f"{tables} tables for {len(people)} people: give at most {len(people)} tables.")
    if seed < 0:
        problems.append("The seed must be zero or a positive number.")
    if time_limit <= 0:
        problems.append("The time limit must be a positive number of seconds.")
    if facilitators and len(facilitator_indices) != tables:
        problems.append(
            f"{facilitators}: {len(facilitator_indices)} facilitators for {tables} tables; give one per table."
        )
    if problems:
        raise CompositionInputError(problems)
    n = len(people)
    names = {p["name"].casefold(): i for i, p in enumerate(people)}
    must_link = [(i, names[p["keep_with"].casefold()]) for i, p in enumerate(people) if p["keep_with"]]
    cannot_link = same_organisation_pairs(people) if organisations_apart else []
    linked = {frozenset(pair) for pair in must_link}
    cannot_link = [pair for pair in cannot_link if frozenset(pair) not in linked]
    base, extra = divmod(n, tables)
    problem = Problem(
        distances=distance_matrix(people, weights),
        lower=np.full(tables, base),
        upper=np.full(tables, base + (1 if extra else 0)),
        fixed={person: table for table, person in enumerate(facilitator_indices)},
        must_link=must_link,
        cannot_link=cannot_link,
    )
    solution = solve(problem, time_limit=time_limit, seed=seed)
    groups = solution.groups()
    facilitator_of = {table: person for table, person in enumerate(facilitator_indices)}
    ordered = [
        sorted(members, key=lambda i: (i != facilitator_of.get(t), people[i]["name"]))
        for t, members in enumerate(groups)
    ]
    return Composition(
        people=people,
        tables=ordered,
        facilitator_of=facilitator_of,
        objective=solution.objective,
        random_objective=random_baseline(problem.distances, np.bincount(solution.assignment), seed),
    )


def random_baseline(distances: np.ndarray, sizes: np.ndarray, seed: int, samples: int = 30) -> float:
    """The mean objective of random groupings of the same sizes: what a shuffled list would give."""
    rng = np.random.default_rng(seed)
    labels = np.repeat(np.arange(len(sizes)), sizes)
    values = []
    for _ in range(samples):
        assignment = rng.permutation(labels)
        values.append(objective_of(distances, assignment, len(sizes))[0])
    return float(np.mean(values))


def write_groups(composition: Composition, out: Path) -> None:
    """One row per person: table, role, then the attributes — sorted by table, the facilitator first."""
    fields = ["table", "role", *[c for c in COLUMNS if c != "keep_with"]]
    with out.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=fields)
        writer.writeheader()
        for table, members in enumerate(composition.tables, 1):
            for index in members:
                person = composition.people[index]
                role = "facilitator" if composition.facilitator_of.get(table - 1) == index else "participant"
                writer.writerow(
                    {
                        "table": table,
                        "role": role,
                        **{c: person[c] for c in fields[2:]},
                        "languages": ";".join(person["languages"]),
                    }
                )


def summary(composition: Composition) -> str:
    lines = []
    for table, members in enumerate(composition.tables, 1):
        make_up = table_make_up(composition.people, members, "stakeholder_group")
        groups = ", ".join(f"{k or '—'} {v}" for k, v in make_up.items())
        lines.append(f"table {table}: {len(members)} people — {groups}")
    gain = (
        100.0 * (composition.objective / composition.random_objective - 1)
        if composition.random_objective
        else 0.0
    )
    lines.append(
        f"diversity score {composition.objective:.1f} (a random seating gives {composition.random_objective:.1f}: {gain:+.1f} %)"
    )
    return "\n".join(lines)

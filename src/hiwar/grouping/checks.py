"""What is wrong with a set of tables, as a convenor must see it before publishing (pure, no Django).

A table without a facilitator, or tables of very unequal size — sizes differing by more than one, or
a table below MIN_TABLE_SIZE while others are larger — would still "score" well; the tables page
names each such table, and publishing them asks for a confirmation.
"""

from dataclasses import dataclass

# Fewer people than this at a table is hardly a discussion (when other tables are larger).
MIN_TABLE_SIZE = 3

NO_FACILITATOR = "no_facilitator"
TOO_SMALL = "too_small"
SMALLER = "smaller"
LARGER = "larger"


@dataclass(frozen=True)
class TableProblem:
    code: str
    number: int  # the table
    size: int  # people at it
    other: int = 0  # the size it is compared with: the largest or the smallest table


def table_problems(tables: list[tuple[int, int, bool]]) -> list[TableProblem]:
    """The problems of each table, given (number, people seated, has a facilitator) per table."""
    problems: list[TableProblem] = []
    if not tables:
        return problems
    sizes = [size for _number, size, _facilitated in tables]
    smallest, largest = min(sizes), max(sizes)
    for number, size, facilitated in tables:
        if not facilitated:
            problems.append(TableProblem(NO_FACILITATOR, number, size))
        if size < MIN_TABLE_SIZE and size < largest:
            problems.append(TableProblem(TOO_SMALL, number, size, largest))
        elif largest - smallest > 1 and size == smallest:
            problems.append(TableProblem(SMALLER, number, size, largest))
        if largest - smallest > 1 and size == largest:
            problems.append(TableProblem(LARGER, number, size, smallest))
    return problems

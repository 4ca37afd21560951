"""The diverse-grouping solver: feasibility under every rule, optimality on small cases, determinism."""

import csv
import itertools
from pathlib import Path

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from hiwar.grouping.mdgplib import read_instance
from hiwar.grouping.solver import InfeasibleError, Problem, is_feasible, objective_of, solve

DATA = Path(__file__).resolve().parents[2].parent / "shared" / "data" / "mdgplib"


def random_problem(rng, n, groups, lower=None, upper=None, **rules) -> Problem:
    points = rng.random((n, 3))
    distances = np.sqrt(((points[:, None, :] - points[None, :, :]) ** 2).sum(-1))
    size = n // groups
    lower = np.full(groups, size) if lower is None else np.asarray(lower)
    upper = np.full(groups, size + (1 if n % groups else 0)) if upper is None else np.asarray(upper)
    return Problem(distances=distances, lower=lower, upper=upper, **rules)


def brute_force(problem: Problem) -> float:
    best = -1.0
    for labels in itertools.product(range(problem.groups), repeat=problem.n):
        assignment = np.array(labels)
        if is_feasible(problem, assignment):
            best = max(best, objective_of(problem.distances, assignment, problem.groups)[0])
    return best


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_reaches_the_brute_force_optimum_on_small_instances(seed):
    rng = np.random.default_rng(seed)
    problem = random_problem(rng, n=9, groups=3, lower=[2, 3, 2], upper=[3, 4, 4])
    solution = solve(problem, time_limit=None, max_rounds=20, seed=seed, workers=1)
    assert is_feasible(problem, solution.assignment)
    assert solution.objective == pytest.approx(brute_force(problem))


def test_objective_and_group_scores_are_recomputed_independently():
    rng = np.random.default_rng(7)
    problem = random_problem(rng, n=40, groups=5)
    solution = solve(problem, time_limit=None, max_rounds=5, seed=1)
    by_hand = sum(
        problem.distances[i, j]
        for i in range(problem.n)
        for j in range(i + 1, problem.n)
        if solution.assignment[i] == solution.assignment[j]
    )
    assert solution.objective == pytest.approx(by_hand)
    assert solution.group_scores.sum() == pytest.approx(by_hand)


def test_better_than_a_random_grouping():
    rng = np.random.default_rng(11)
    problem = random_problem(rng, n=60, groups=6)
    solution = solve(problem, time_limit=None, max_rounds=5, seed=3)
    random_values = [
        objective_of(problem.distances, rng.permutation(np.arange(60) % 6), 6)[0] for _ in range(50)
    ]
    assert solution.objective > max(random_values)


def test_facilitators_stay_fixed_one_per_group_and_links_hold():
    rng = np.random.default_rng(5)
    fixed = {0: 0, 1: 1, 2: 2, 3: 3}  # one facilitator per table
    must = [(10, 11), (20, 21)]  # a person and their interpreter
    cannot = [(30, 31), (30, 32), (31, 32)]  # three people of one organisation
    problem = random_problem(rng, n=40, groups=4, fixed=fixed, must_link=must, cannot_link=cannot)
    solution = solve(problem, time_limit=None, max_rounds=5, seed=2)
    assert is_feasible(problem, solution.assignment)
    assert [solution.assignment[p] for p in fixed] == [0, 1, 2, 3]
    assert len({solution.assignment[p] for p in (30, 31, 32)}) == 3


def test_the_same_seed_gives_the_same_grouping():
    rng = np.random.default_rng(9)
    problem = random_problem(rng, n=50, groups=5)
    first = solve(problem, time_limit=None, max_rounds=4, seed=42)
    again = solve(problem, time_limit=None, max_rounds=4, seed=42)
    assert np.array_equal(first.assignment, again.assignment)
    assert first.objective == again.objective


@pytest.mark.parametrize(
    ("rules", "message"),
    [
        ({"lower": [5, 5], "upper": [6, 6]}, "at least 10 people"),
        ({"lower": [1, 1], "upper": [3, 3]}, "at most 6 people"),
        ({"fixed": {0: 0, 1: 0}, "cannot_link": [(0, 1)]}, "fixed to the same group"),
        ({"must_link": [(0, 1)], "cannot_link": [(0, 1)]}, "together and apart"),
        ({"fixed": {0: 5}}, "does not exist"),
        ({"must_link": [(0, 1), (1, 2), (2, 3), (3, 4), (4, 5)]}, "more than the largest group"),
    ],
)
def test_impossible_rules_are_reported_clearly(rules, message):
    rng = np.random.default_rng(1)
    problem = random_problem(rng, n=8, groups=2, **rules)
    with pytest.raises(InfeasibleError, match=message):
        solve(problem, time_limit=None, max_rounds=2)


def test_too_many_people_kept_apart_is_infeasible():
    rng = np.random.default_rng(1)
    apart = list(itertools.combinations(range(3), 2))  # three people, two tables
    problem = random_problem(rng, n=8, groups=2, cannot_link=apart)
    with pytest.raises(InfeasibleError, match="keeps apart everyone"):
        solve(problem, time_limit=None, max_rounds=2)


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(data=st.data())
def test_every_output_is_feasible(data):
    n = data.draw(st.integers(min_value=4, max_value=30))
    groups = data.draw(st.integers(min_value=2, max_value=min(5, n // 2)))
    lower = [data.draw(st.integers(min_value=1, max_value=n // groups)) for _ in range(groups)]
    upper = [low + data.draw(st.integers(min_value=0, max_value=3)) for low in lower]
    if sum(upper) < n:
        upper[-1] += n - sum(upper)
    fixed_people = data.draw(st.lists(st.integers(0, n - 1), unique=True, max_size=groups))
    fixed = {person: g for g, person in enumerate(fixed_people)}
    rng = np.random.default_rng(data.draw(st.integers(0, 1000)))
    problem = random_problem(rng, n=n, groups=groups, lower=lower, upper=upper, fixed=fixed)
    solution = solve(problem, time_limit=None, max_rounds=2, seed=0, workers=1)
    assert is_feasible(problem, solution.assignment)


def test_reads_mdgplib_and_reaches_the_optimum_of_the_small_instance():
    problem = read_instance(DATA / "RanReal_n010_ds_01.txt")
    assert (problem.n, problem.groups) == (10, 2)
    assert list(problem.lower) == [5, 4] and list(problem.upper) == [6, 5]
    solution = solve(problem, time_limit=None, max_rounds=10, seed=1, workers=1)
    assert solution.objective == pytest.approx(brute_force(problem))


def test_a_benchmark_instance_comes_close_to_its_best_known_value():
    with (DATA / "best_known.csv").open(encoding="utf-8") as handle:
        best = {r["instance"]: float(r["best_known"]) for r in csv.DictReader(handle) if r["best_known"]}
    problem = read_instance(DATA / "RanReal_n120_ss_01.txt")
    solution = solve(problem, time_limit=None, max_rounds=6, seed=1)
    assert is_feasible(problem, solution.assignment)
    assert solution.objective >= 0.98 * best["RanReal_n120_ss_01"]

"""Maximally diverse grouping (anticlustering): the tables of a dialogue, as diverse as possible (C7).

A pure core: NumPy and Numba, no Django. People are split into G groups whose sizes lie in [a_g, b_g],
maximising the sum of the distances between people who share a group. Fixed people (facilitators:
one per table) never move; must-link people (a person and their interpreter) are merged into one unit
that moves as a whole; cannot-link pairs (two people of one organisation) never share a group.

The search is an iterated tabu search in the spirit of Lai & Hao's iterated maxima search and the
three-phase search of Yang et al. (2022): a tabu search over the move and swap neighbourhoods, with
O(1) evaluation of each candidate from a gain matrix M[u, g] = sum of distances from unit u to group g,
restarted from the best solution after a random perturbation whose strength adapts to stagnation.
Two independent seeded searches run in parallel threads (the Numba kernels release the GIL).
"""

from __future__ import annotations

import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field

import numpy as np
from numba import njit


class InfeasibleError(ValueError):
    """The constraints cannot all hold: the message says which and why."""


@dataclass
class Problem:
    distances: np.ndarray  # (n, n) symmetric, zero diagonal
    lower: np.ndarray  # (G,) smallest size of each group
    upper: np.ndarray  # (G,) largest size of each group
    fixed: dict[int, int] = field(default_factory=dict)  # person -> group
    must_link: list[tuple[int, int]] = field(default_factory=list)
    cannot_link: list[tuple[int, int]] = field(default_factory=list)

    @property
    def n(self) -> int:
        return self.distances.shape[0]

    @property
    def groups(self) -> int:
        return len(self.lower)


@dataclass
class Solution:
    assignment: np.ndarray  # (n,) group of each person
    objective: float
    group_scores: np.ndarray  # (G,) within-group sum of distances
    seconds: float = 0.0
    rounds: int = 0

    def groups(self) -> list[list[int]]:
        return [np.flatnonzero(self.assignment == g).tolist() for g in range(len(self.group_scores))]


def objective_of(distances: np.ndarray, assignment: np.ndarray, groups: int) -> tuple[float, np.ndarray]:
    """The objective recomputed from scratch: each pair in a group counted once."""
    scores = np.zeros(groups)
    for g in range(groups):
        members = np.flatnonzero(assignment == g)
        scores[g] = distances[np.ix_(members, members)].sum() / 2.0
    return float(scores.sum()), scores


# Units: must-link components contracted ----------------------------------------------------------


@dataclass
class _Units:
    members: list[list[int]]  # people of each unit
    weight: np.ndarray  # people per unit
    distances: np.ndarray  # between units: sum over member pairs
    fixed: np.ndarray  # group of each unit, or -1
    conflicts: np.ndarray  # (U, U) 1 where two units must not share a group


def _components(n: int, pairs: list[tuple[int, int]]) -> list[list[int]]:
    parent = list(range(n))

    def root(i: int) -> int:
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    for i, j in pairs:
        parent[root(i)] = root(j)
    groups: dict[int, list[int]] = {}
    for i in range(n):
        groups.setdefault(root(i), []).append(i)
    return list(groups.values())


def _build_units(problem: Problem) -> _Units:
    n = problem.n
    for i, j in [*problem.must_link, *problem.cannot_link]:
        if not (0 <= i < n and 0 <= j < n) or i == j:
            raise InfeasibleError(
                f"A link names person {i} and {j}: each must be a different person of 0…{n - 1}."
            )
    members = _components(n, problem.must_link)
    unit_of = np.empty(n, dtype=np.int64)
    for u, people in enumerate(members):
        unit_of[people] = u
    count = len(members)
    indicator = np.zeros((count, n))
    indicator[unit_of, np.arange(n)] = 1.0
    unit_distances = indicator @ problem.distances @ indicator.T
    np.fill_diagonal(unit_distances, 0.0)
    fixed = np.full(count, -1, dtype=np.int64)
    for person, group in problem.fixed.items():
        if not 0 <= group < problem.groups:
            raise InfeasibleError(f"Person {person} is fixed to group {group}, which does not exist.")
        u = unit_of[person]
        if fixed[u] not in (-1, group):
            raise InfeasibleError(f"Person {person} must sit with people fixed to another group.")
        fixed[u] = group
    conflicts = np.zeros((count, count), dtype=np.int64)
    for i, j in problem.cannot_link:
        u, v = unit_of[i], unit_of[j]
        if u == v:
            raise InfeasibleError(f"Persons {i} and {j} must both sit together and apart.")
        if fixed[u] >= 0 and fixed[u] == fixed[v]:
            raise InfeasibleError(f"Persons {i} and {j} are fixed to the same group but must sit apart.")
        conflicts[u, v] = conflicts[v, u] = 1
    weight = np.array([len(m) for m in members], dtype=np.int64)
    # People kept apart: a penalty above any possible gain, so the search separates them whenever it
    # can (a hard filter would make a random start fail on tight instances); checked again at the end.
    penalty = np.abs(unit_distances).sum() + 1.0
    unit_distances = unit_distances - penalty * conflicts
    return _Units(members, weight, unit_distances, fixed, np.zeros_like(conflicts))


def check_feasible(problem: Problem) -> None:
    """Raise InfeasibleError when the bounds cannot hold the people; the rest is checked when building."""
    lower, upper = np.asarray(problem.lower), np.asarray(problem.upper)
    if problem.distances.shape != (problem.n, problem.n):
        raise InfeasibleError("The distance matrix must be square.")
    if problem.groups < 1:
        raise InfeasibleError("There must be at least one group.")
    if np.any(lower < 0) or np.any(upper < lower):
        raise InfeasibleError("Each group needs 0 ≤ smallest size ≤ largest size.")
    if lower.sum() > problem.n:
        raise InfeasibleError(
            f"The groups need at least {int(lower.sum())} people in all, but there are only {problem.n}."
        )
    if upper.sum() < problem.n:
        raise InfeasibleError(
            f"The groups hold at most {int(upper.sum())} people in all, but there are {problem.n}."
        )


# Kernels ------------------------------------------------------------------------------------------


@njit(cache=True, nogil=True)
def _gain_matrix(dist, assign, groups):
    count = dist.shape[0]
    gains = np.zeros((count, groups))
    for u in range(count):
        for v in range(count):
            gains[u, assign[v]] += dist[u, v]
    return gains


@njit(cache=True, nogil=True)
def _conflict_matrix(conflicts, assign, groups):
    count = conflicts.shape[0]
    clash = np.zeros((count, groups), dtype=np.int64)
    for u in range(count):
        for v in range(count):
            if conflicts[u, v]:
                clash[u, assign[v]] += 1
    return clash


@njit(cache=True, nogil=True)
def _value(dist, assign):
    total = 0.0
    count = dist.shape[0]
    for u in range(count):
        for v in range(u + 1, count):
            if assign[u] == assign[v]:
                total += dist[u, v]
    return total


@njit(cache=True, nogil=True)
def _apply_move(u, target, assign, sizes, weight, gains, clash, dist, conflicts):
    source = assign[u]
    count = dist.shape[0]
    for v in range(count):
        d = dist[u, v]
        gains[v, source] -= d
        gains[v, target] += d
        if conflicts[u, v]:
            clash[v, source] -= 1
            clash[v, target] += 1
    sizes[source] -= weight[u]
    sizes[target] += weight[u]
    assign[u] = target


@njit(cache=True, nogil=True)
def _random_start(weight, fixed, conflicts, lower, upper, seed):
    """A random assignment meeting the bounds and links; -1 in the first cell when none was found."""
    np.random.seed(seed)
    count = weight.shape[0]
    groups = lower.shape[0]
    for _attempt in range(200):
        assign = np.full(count, -1, dtype=np.int64)
        sizes = np.zeros(groups, dtype=np.int64)
        ok = True
        for u in range(count):
            if fixed[u] >= 0:
                assign[u] = fixed[u]
                sizes[fixed[u]] += weight[u]
        order = np.random.permutation(count)
        # Heaviest first, so merged units find room; ties in random order.
        order = order[np.argsort(-weight[order], kind="mergesort")]
        for u in order:
            if assign[u] >= 0:
                continue
            best, best_key = -1, 1e18
            for g in range(groups):
                if sizes[g] + weight[u] > upper[g]:
                    continue
                clash = False
                for v in range(count):
                    if conflicts[u, v] and assign[v] == g:
                        clash = True
                        break
                if clash:
                    continue
                # Fill groups below their lower bound first, then the emptiest relative to its room.
                key = (sizes[g] - lower[g]) + np.random.random() * 0.5
                if key < best_key:
                    best, best_key = g, key
            if best < 0:
                ok = False
                break
            assign[u] = best
            sizes[best] += weight[u]
        if ok:
            for g in range(groups):
                if sizes[g] < lower[g]:
                    ok = False
            if ok:
                return assign
    failed = np.full(count, -1, dtype=np.int64)
    return failed


@njit(cache=True, nogil=True)
def _tabu_steps(
    dist,
    weight,
    fixed,
    conflicts,
    lower,
    upper,
    assign,
    sizes,
    gains,
    clash,
    tabu,
    best_assign,
    state,
    steps,
    stall_limit,
):
    """Up to `steps` iterations of tabu search over moves and swaps, resuming from `state`.

    state = [iteration, current value, best value, iterations without improvement]; the arrays are
    updated in place so that the caller can stop between chunks when its time is up. Returns True
    when the search has ended (stalled, or no admissible move is left).
    """
    count = dist.shape[0]
    groups = lower.shape[0]
    it0 = int(state[0])
    current, best_value, stall = state[1], state[2], int(state[3])
    base_tenure = max(3, count // (groups * 2))
    finished = False
    for it in range(it0 + 1, it0 + steps + 1):
        move_delta = -1e300
        mu, mg = -1, -1
        # Moves: one unit to another group, within the size bounds and free of conflicts.
        for u in range(count):
            if fixed[u] >= 0:
                continue
            p = assign[u]
            if sizes[p] - weight[u] < lower[p]:
                continue
            for g in range(groups):
                if g == p or sizes[g] + weight[u] > upper[g] or clash[u, g] > 0:
                    continue
                delta = gains[u, g] - gains[u, p]
                if tabu[u, g] >= it and current + delta <= best_value + 1e-9:
                    continue
                if delta > move_delta:
                    move_delta, mu, mg = delta, u, g
        swap_delta = -1e300
        su, sv = -1, -1
        # Swaps: two units of different groups trade places.
        for u in range(count):
            if fixed[u] >= 0:
                continue
            p = assign[u]
            gu_p = gains[u, p]
            for v in range(u + 1, count):
                q = assign[v]
                if q == p or fixed[v] >= 0:
                    continue
                if weight[u] != weight[v]:
                    dw = weight[v] - weight[u]
                    if sizes[p] + dw > upper[p] or sizes[p] + dw < lower[p]:
                        continue
                    if sizes[q] - dw > upper[q] or sizes[q] - dw < lower[q]:
                        continue
                if clash[u, q] - conflicts[u, v] > 0 or clash[v, p] - conflicts[u, v] > 0:
                    continue
                delta = gains[u, q] - gu_p + gains[v, p] - gains[v, q] - 2.0 * dist[u, v]
                if (tabu[u, q] >= it or tabu[v, p] >= it) and current + delta <= best_value + 1e-9:
                    continue
                if delta > swap_delta:
                    swap_delta, su, sv = delta, u, v
        state[0] = it
        if mu < 0 and su < 0:
            finished = True
            break
        tenure = base_tenure + np.random.randint(0, base_tenure + 1)
        if swap_delta >= move_delta:
            p, q = assign[su], assign[sv]
            _apply_move(su, q, assign, sizes, weight, gains, clash, dist, conflicts)
            _apply_move(sv, p, assign, sizes, weight, gains, clash, dist, conflicts)
            tabu[su, p] = it + tenure
            tabu[sv, q] = it + tenure
            current += swap_delta
        else:
            p = assign[mu]
            _apply_move(mu, mg, assign, sizes, weight, gains, clash, dist, conflicts)
            tabu[mu, p] = it + tenure
            current += move_delta
        if current > best_value + 1e-9:
            best_value = current
            best_assign[:] = assign
            stall = 0
        else:
            stall += 1
            if stall >= stall_limit:
                finished = True
                break
    state[1], state[2], state[3] = current, best_value, stall
    return finished


@njit(cache=True, nogil=True)
def _seed(seed):
    np.random.seed(seed)


@njit(cache=True, nogil=True)
def _perturb(dist, weight, fixed, conflicts, lower, upper, assign, strength, seed):
    """Random admissible swaps and moves: a kick out of the current basin (moves change group sizes)."""
    np.random.seed(seed)
    count = dist.shape[0]
    groups = lower.shape[0]
    out = assign.copy()
    sizes = np.zeros(groups, dtype=np.int64)
    for u in range(count):
        sizes[out[u]] += weight[u]
    done = 0
    tries = 0
    while done < strength and tries < strength * 50:
        tries += 1
        u = np.random.randint(0, count)
        if fixed[u] >= 0:
            continue
        p = out[u]
        if np.random.random() < 0.5:
            q = np.random.randint(0, groups)
            if q == p or sizes[p] - weight[u] < lower[p] or sizes[q] + weight[u] > upper[q]:
                continue
            if _clashes(u, q, -1, out, conflicts):
                continue
            out[u] = q
            sizes[p] -= weight[u]
            sizes[q] += weight[u]
            done += 1
            continue
        v = np.random.randint(0, count)
        q = out[v]
        if fixed[v] >= 0 or q == p or weight[u] != weight[v]:
            continue
        if _clashes(u, q, v, out, conflicts) or _clashes(v, p, u, out, conflicts):
            continue
        out[u], out[v] = q, p
        done += 1
    return out


@njit(cache=True, nogil=True)
def _clashes(u, group, leaving, assign, conflicts):
    """Whether `u` would share `group` with someone it must be kept apart from (`leaving` is moving out)."""
    for w in range(assign.shape[0]):
        if w != u and w != leaving and assign[w] == group and conflicts[u, w]:
            return True
    return False


# The search ---------------------------------------------------------------------------------------


def _tabu_round(units: _Units, lower, upper, start: np.ndarray, seed: int, deadline: float):
    """One tabu search from `start`, run in chunks so that it stops when the time is up."""
    _seed(seed)
    count, groups = len(units.weight), len(lower)
    assign = start.copy()
    sizes = np.bincount(assign, weights=units.weight, minlength=groups).astype(np.int64)
    gains = _gain_matrix(units.distances, assign, groups)
    clash = _conflict_matrix(units.conflicts, assign, groups)
    value = _value(units.distances, assign)
    state = np.array([0.0, value, value, 0.0])
    tabu = np.zeros((count, groups), dtype=np.int64)
    best = assign.copy()
    chunk = max(20, 4_000_000 // max(1, count * count))  # about a few milliseconds of work
    stall_limit = max(200, 4 * count)
    while True:
        finished = _tabu_steps(
            units.distances, units.weight, units.fixed, units.conflicts, lower, upper,
            assign, sizes, gains, clash, tabu, best, state, chunk, stall_limit,
        )  # fmt: skip
        if finished or time.monotonic() >= deadline:
            return best, state[2]


def _search(units: _Units, lower, upper, seed: int, deadline: float, max_rounds: int | None):
    rng = np.random.default_rng(seed)
    start = _random_start(units.weight, units.fixed, units.conflicts, lower, upper, int(rng.integers(2**31)))
    if len(start) and start[0] < 0:
        # No random construction kept everyone apart: start anywhere and let the penalty separate them.
        free = np.zeros_like(units.conflicts)
        start = _random_start(units.weight, units.fixed, free, lower, upper, int(rng.integers(2**31)))
        if len(start) and start[0] < 0:
            raise InfeasibleError("No grouping meets the sizes and the fixed people at once: relax one.")
    count, groups = len(units.weight), len(lower)
    best, best_value = _tabu_round(units, lower, upper, start, int(rng.integers(2**31)), deadline)
    strength_min = max(2, count // (4 * groups))
    strength = strength_min
    rounds = 1
    while (max_rounds is None or rounds < max_rounds) and time.monotonic() < deadline:
        kicked = _perturb(
            units.distances, units.weight, units.fixed, units.conflicts, lower, upper,
            best, strength, int(rng.integers(2**31)),
        )  # fmt: skip
        candidate, value = _tabu_round(units, lower, upper, kicked, int(rng.integers(2**31)), deadline)
        rounds += 1
        if value > best_value + 1e-9:
            best, best_value = candidate, value
            strength = strength_min
        else:
            # Stagnation: kick harder, up to a quarter of the units.
            strength = min(max(strength_min, count // 4), strength + 1)
    return best, best_value, rounds


def solve(
    problem: Problem,
    *,
    time_limit: float | None = 2.0,
    seed: int = 0,
    max_rounds: int | None = None,
    workers: int = 2,
) -> Solution:
    """The best grouping found within `time_limit` seconds (or `max_rounds` restarts, for determinism).

    With `max_rounds` set, the result depends only on the seed; with a time limit alone it depends on
    the machine's speed too. `workers` independent searches (seeds derived from `seed`) run in parallel.
    """
    started = time.monotonic()
    check_feasible(problem)
    units = _build_units(problem)
    lower = np.asarray(problem.lower, dtype=np.int64)
    upper = np.asarray(problem.upper, dtype=np.int64)
    if units.weight.max(initial=0) > upper.max(initial=0):
        raise InfeasibleError("People who must sit together are more than the largest group holds.")
    if time_limit is None and max_rounds is None:
        raise ValueError("Give a time limit, a number of rounds, or both.")
    deadline = started + time_limit if time_limit is not None else float("inf")
    seeds = np.random.SeedSequence(seed).generate_state(max(1, workers))
    if workers > 1:
        with ThreadPoolExecutor(max_workers=workers) as pool:
            results = list(
                pool.map(lambda s: _search(units, lower, upper, int(s), deadline, max_rounds), seeds)
            )
    else:
        results = [_search(units, lower, upper, int(seeds[0]), deadline, max_rounds)]
    best_units, _value, _rounds = max(results, key=lambda r: r[1])
    assignment = np.empty(problem.n, dtype=np.int64)
    for unit, people in enumerate(units.members):
        assignment[people] = best_units[unit]
    if any(assignment[i] == assignment[j] for i, j in problem.cannot_link):
        raise InfeasibleError(
            "No grouping keeps apart everyone who must be kept apart: relax a rule or add groups."
        )
    objective, scores = objective_of(problem.distances, assignment, problem.groups)
    return Solution(
        assignment=assignment,
        objective=objective,
        group_scores=scores,
        seconds=time.monotonic() - started,
        rounds=sum(r[2] for r in results),
    )


def is_feasible(problem: Problem, assignment: np.ndarray) -> bool:
    sizes = np.bincount(assignment, minlength=problem.groups)
    if np.any(sizes < problem.lower) or np.any(sizes > problem.upper):
        return False
    if any(assignment[p] != g for p, g in problem.fixed.items()):
        return False
    if any(assignment[i] != assignment[j] for i, j in problem.must_link):
        return False
    return all(assignment[i] != assignment[j] for i, j in problem.cannot_link)


# Figures that do not reward unbalanced tables -------------------------------------------------------


def mean_diversity(group_scores: np.ndarray, sizes: np.ndarray) -> float:
    """The mean, over groups of two or more, of the mean distance between two people of one group.

    The objective (a sum over pairs) grows with the number of pairs, so moving one person from a
    6/6 split to 5/7 raises it (15 + 15 → 10 + 21 pairs) without making any table more diverse; a
    mean per pair, averaged over the groups, does not grow with a group's size.
    """
    scores = np.asarray(group_scores, dtype=float)
    sizes = np.asarray(sizes, dtype=float)
    pairs = sizes * (sizes - 1) / 2
    counted = pairs > 0
    if not counted.any():
        return 0.0
    return float(np.mean(scores[counted] / pairs[counted]))


def mean_distance(distances: np.ndarray) -> float:
    """The mean distance over all pairs: what a random seating gives per pair at a table, on average."""
    n = distances.shape[0]
    if n < 2:
        return 0.0
    return float(distances[np.triu_indices(n, 1)].mean())


# Compiling ahead ------------------------------------------------------------------------------------

# The kernels called from Python (the others are compiled into them).
KERNELS = (_gain_matrix, _conflict_matrix, _value, _random_start, _tabu_steps, _seed, _perturb)


def kernels_ready() -> bool:
    """Whether a solve starts without compiling: the kernels are loaded in this process, or compiled
    code for this source and Numba version waits in the disk cache (loading it takes well under a
    second; compiling takes tens of seconds on a busy machine)."""
    if all(kernel.signatures for kernel in KERNELS):
        return True
    try:
        return all(kernel._cache._cache_file._load_index() for kernel in KERNELS)
    except Exception:  # Numba's cache is internal; if it changes shape, count the kernels as cold
        return False


def warm_up() -> float:
    """Compile (or load from the disk cache) every kernel with the argument types a real solve uses,
    by solving a tiny instance with a fixed person, a pair kept together and a pair kept apart, over
    a few rounds (so that the perturbation runs too). Returns the seconds it took."""
    started = time.monotonic()
    rng = np.random.default_rng(0)
    points = rng.random((8, 3))
    distances = np.sqrt(((points[:, None, :] - points[None, :, :]) ** 2).sum(axis=2))
    problem = Problem(
        distances=distances,
        lower=np.array([4, 4]),
        upper=np.array([4, 4]),
        fixed={0: 0, 1: 1},
        must_link=[(2, 3)],
        cannot_link=[(4, 5)],
    )
    solve(problem, time_limit=None, max_rounds=3, seed=0, workers=1)
    return time.monotonic() - started


_warming = None


def _warm_up_logged() -> None:
    import logging

    logger = logging.getLogger("hiwar.grouping")
    try:
        logger.info("Grouping kernels ready in %.1f s.", warm_up())
    except Exception:  # a failed warm-up only means the first composition compiles them
        logger.exception("Warming the grouping kernels up failed.")


def start_warm_up():
    """Warm the kernels up in a background thread, once per process; returns the thread."""
    import threading

    global _warming
    if _warming is None:
        _warming = threading.Thread(target=_warm_up_logged, name="hiwar-grouping-warm-up", daemon=True)
        _warming.start()
    return _warming

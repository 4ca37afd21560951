"""The MDGPLIB benchmark format: `n G ss|ds a_1 b_1 … a_G b_G`, then one `i j d_ij` line per pair."""

from pathlib import Path

import numpy as np

from hiwar.grouping.solver import InfeasibleError, Problem


def read_instance(path: str | Path) -> Problem:
    lines = Path(path).read_text(encoding="utf-8").split("\n")
    head = lines[0].split()
    try:
        n, groups = int(head[0]), int(head[1])
        bounds = [int(x) for x in head[3:]]
    except (IndexError, ValueError) as error:
        raise InfeasibleError(f"{path}: line 1 must read `n G ss|ds a_1 b_1 …`.") from error
    if len(bounds) != 2 * groups:
        raise InfeasibleError(f"{path}: line 1 gives {len(bounds)} bounds for {groups} groups.")
    rows = [line.split() for line in lines[1:] if line.strip()]
    try:
        data = np.array(rows, dtype=float).reshape(-1, 3)
    except ValueError as error:
        raise InfeasibleError(f"{path}: every line after the first must be `i j d_ij`.") from error
    i, j = data[:, 0].astype(np.int64), data[:, 1].astype(np.int64)
    if len(data) and (i.min() < 0 or j.max() >= n):
        raise InfeasibleError(f"{path}: a pair names a person outside 0…{n - 1}.")
    distances = np.zeros((n, n))
    distances[i, j] = data[:, 2]
    distances[j, i] = data[:, 2]
    return Problem(
        distances=distances,
        lower=np.array(bounds[0::2], dtype=np.int64),
        upper=np.array(bounds[1::2], dtype=np.int64),
    )

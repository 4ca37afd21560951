"""`hiwar groups solve`: what a secretariat or a researcher runs on an MDGPLIB file."""

import json
from pathlib import Path

import numpy as np

from hiwar.cli import main
from hiwar.grouping.mdgplib import read_instance
from hiwar.grouping.solver import is_feasible, objective_of

INSTANCE = Path(__file__).resolve().parents[2].parent / "shared/data/mdgplib/RanReal_n010_ds_01.txt"


def test_solve_prints_a_feasible_grouping_as_json(capsys):
    assert main(["groups", "solve", str(INSTANCE), "--time-limit", "0.3", "--json"]) == 0
    result = json.loads(capsys.readouterr().out)
    problem = read_instance(INSTANCE)
    assignment = np.empty(problem.n, dtype=int)
    for group, people in enumerate(result["groups"]):
        assignment[people] = group
    assert result["feasible"] is True
    assert is_feasible(problem, assignment)
    assert result["objective"] == objective_of(problem.distances, assignment, problem.groups)[0]


def test_an_infeasible_instance_is_reported_and_nothing_else(tmp_path, capsys):
    path = tmp_path / "too-few.txt"
    path.write_text(
        "4 2 ss 3 3 3 3\n0 1 1.0\n0 2 1.0\n0 3 1.0\n1 2 1.0\n1 3 1.0\n2 3 1.0\n", encoding="utf-8"
    )
    assert main(["groups", "solve", str(path)]) == 2
    captured = capsys.readouterr()
    assert captured.out == ""
    assert "at least 6 people" in captured.err and "only 4" in captured.err
    assert main(["groups", "solve", str(path), "--json"]) == 2
    assert json.loads(capsys.readouterr().out)["feasible"] is False

"""`hiwar groups compose`: tables from a spreadsheet, with every bad row reported and nothing written."""

import csv

import numpy as np
import pytest

from hiwar.cli import main
from hiwar.grouping.distances import distance_matrix, same_organisation_pairs

HEADER = "name,organisation,organisation_type,sector,stakeholder_group,gender,age_range,country,region,languages,keep_with\n"
SECTORS = ["agriculture", "health", "environment", "water", "nutrition", "youth"]
GROUPS = ["government", "women", "youth", "family_farmers", "un_system", "academia"]


def participants_csv(tmp_path, n=24, organisations=8):
    rows = [
        f"Person {i},Org {i % organisations},ngo,{SECTORS[i % 6]},{GROUPS[(i // 2) % 6]},"
        f"{'female' if i % 2 else 'male'},31-50,JO,arab_states,ar;en,\n"
        for i in range(n)
    ]
    path = tmp_path / "participants.csv"
    path.write_text(HEADER + "".join(rows), encoding="utf-8")
    return path


def read(path):
    with path.open(encoding="utf-8") as handle:
        return list(csv.DictReader(handle))


def test_tables_are_written_with_a_facilitator_each_and_organisations_apart(tmp_path, capsys):
    participants = participants_csv(tmp_path)
    facilitators = tmp_path / "facilitators.csv"
    facilitators.write_text(
        HEADER + "".join(f"Facilitator {t},Hub,un_entity,,,,,,,ar;en,\n" for t in range(4)), encoding="utf-8"
    )
    out = tmp_path / "groups.csv"
    assert (
        main(
            [
                "groups",
                "compose",
                str(participants),
                "--tables",
                "4",
                "--facilitators",
                str(facilitators),
                "--out",
                str(out),
                "--time-limit",
                "0.5",
            ]
        )
        == 0
    )
    rows = read(out)
    assert len(rows) == 28
    by_table = {}
    for row in rows:
        by_table.setdefault(row["table"], []).append(row)
    assert sorted(by_table) == ["1", "2", "3", "4"]
    for members in by_table.values():
        assert len(members) == 7
        assert [m["role"] for m in members].count("facilitator") == 1 and members[0]["role"] == "facilitator"
        organisations = [m["organisation"] for m in members if m["role"] == "participant"]
        assert len(organisations) == len(set(organisations))  # no two of one organisation at a table
    assert "random seating" in capsys.readouterr().out


def test_bad_rows_are_reported_by_line_and_nothing_is_written(tmp_path, capsys):
    path = tmp_path / "participants.csv"
    path.write_text(
        HEADER
        + "Amal,Org A,ngo,health,women,female,31-50,JO,arab_states,ar,\n"
        + ",Org B,ngo,health,women,female,31-50,JO,arab_states,ar,\n"
        + "Amal,Org C,ngo,health,women,female,31-50,JO,arab_states,ar,\n"
        + "Basel,Org D,ngo,health,women,male,thirty,JO,arab_states,ar,Nobody\n",
        encoding="utf-8",
    )
    out = tmp_path / "groups.csv"
    assert main(["groups", "compose", str(path), "--tables", "2", "--out", str(out)]) == 2
    err = capsys.readouterr().err
    assert "line 3: the name is empty" in err
    assert "line 4: “Amal” already appears" in err
    assert "line 5: age range “thirty”" in err and "keep_with names “Nobody”" in err
    assert not out.exists()


def test_a_person_stays_with_their_interpreter(tmp_path):
    participants = participants_csv(tmp_path, n=12, organisations=12)
    lines = participants.read_text(encoding="utf-8").splitlines()
    lines[4] += "Person 7"  # line 5 of the file: Person 3 keeps with Person 7
    participants.write_text("\n".join(lines) + "\n", encoding="utf-8")
    out = tmp_path / "groups.csv"
    assert (
        main(
            [
                "groups",
                "compose",
                str(participants),
                "--tables",
                "3",
                "--out",
                str(out),
                "--time-limit",
                "0.3",
            ]
        )
        == 0
    )
    table = {row["name"]: row["table"] for row in read(out)}
    assert table["Person 3"] == table["Person 7"]


def test_weights_change_what_counts_as_different():
    people = [
        {"sector": "health", "gender": "female"},
        {"sector": "health", "gender": "male"},
        {"sector": "water", "gender": "female"},
    ]
    by_sector = distance_matrix(people, {"gender": 0.0, "sector": 1.0})
    by_gender = distance_matrix(people, {"gender": 1.0, "sector": 0.0})
    assert by_sector[0, 2] > by_sector[0, 1] and by_gender[0, 1] > by_gender[0, 2]
    met = distance_matrix(people, {"met_before": 5.0}, met_before=[(0, 1)])
    assert met[0, 1] == distance_matrix(people, {"met_before": 5.0})[0, 1] - 5.0  # people who met sit apart
    assert np.allclose(met, met.T) and np.all(np.diag(met) == 0)


def test_same_organisation_pairs_ignore_case_and_blanks():
    people = [
        {"organisation": "FAO"},
        {"organisation": "fao "},
        {"organisation": ""},
        {"organisation": "WFP"},
    ]
    assert same_organisation_pairs(people) == [(0, 1)]


def _refused(tmp_path, capsys, path, *extra):
    out = tmp_path / "groups.csv"
    assert main(["groups", "compose", str(path), "--out", str(out), *extra]) == 2
    captured = capsys.readouterr()
    assert "Nothing was written." in captured.err
    assert not out.exists()
    return captured.err


def test_an_empty_file_is_refused_with_a_message(tmp_path, capsys):
    path = tmp_path / "empty.csv"
    path.write_text("", encoding="utf-8")
    assert "the first line must name the columns" in _refused(tmp_path, capsys, path, "--tables", "2")


def test_a_header_only_file_is_refused_with_a_message(tmp_path, capsys):
    path = tmp_path / "header.csv"
    path.write_text(HEADER, encoding="utf-8")
    assert "no participants" in _refused(tmp_path, capsys, path, "--tables", "2")


def test_more_tables_than_people_is_refused_with_a_message(tmp_path, capsys):
    path = participants_csv(tmp_path, n=2000, organisations=200)
    assert "5000 tables for 2000 people" in _refused(tmp_path, capsys, path, "--tables", "5000")
    assert "at most 2000 tables" in _refused(tmp_path, capsys, path, "--tables", str(10**12))


@pytest.mark.parametrize("tables", ["0", "-3"])
def test_fewer_than_one_table_is_refused_with_a_message(tmp_path, capsys, tables):
    path = participants_csv(tmp_path, n=6)
    assert "at least one table" in _refused(tmp_path, capsys, path, "--tables", tables)


@pytest.mark.parametrize(("option", "value"), [("--seed", "-1"), ("--time-limit", "0")])
def test_a_negative_seed_or_no_time_is_refused(tmp_path, capsys, option, value):
    path = participants_csv(tmp_path, n=6)
    _refused(tmp_path, capsys, path, "--tables", "2", option, value)

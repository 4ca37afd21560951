"""Process templates ("blueprints") shipped as YAML in `process_templates/`, taken from the seed documents.

A blueprint lays out a new space: its phases with planned dates, every checklist item and expected
output, the seats of its lead group, numbered discussion topics and their guiding questions, and
scheduling rules between phases. The YAML format is documented in docs/templates.md.
"""

from dataclasses import dataclass
from datetime import timedelta
from functools import cache
from pathlib import Path

import yaml

from hiwar.core.translation import pick
from hiwar.discussions.services import phase_topics_create
from hiwar.spaces.models import ChecklistItem, ExpectedOutput, Phase, Seat, Space

BLUEPRINT_DIR = Path(__file__).resolve().parent / "process_templates"
REQUIRED_LANGUAGES = ("ar", "en")


class BlueprintError(ValueError):
    pass


@dataclass(frozen=True)
class Blueprint:
    key: str
    kind: str
    source: str
    title: dict
    summary: dict
    description: dict
    seats: tuple
    phases: tuple

    @property
    def checklist_count(self) -> int:
        return sum(len(p.get("checklist", [])) for p in self.phases)

    def __str__(self):
        return pick(self.title)


def _check_text(value, where: str) -> dict:
    if not isinstance(value, dict) or any(
        not str(value.get(code) or "").strip() for code in REQUIRED_LANGUAGES
    ):
        raise BlueprintError(f"{where}: needs text in {' and '.join(REQUIRED_LANGUAGES)}")
    return value


def load_blueprint(path: Path) -> Blueprint:
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    where = path.name
    for name in ("title", "summary", "description"):
        _check_text(data.get(name), f"{where} {name}")
    phase_keys = [p.get("key") for p in data.get("phases", [])]
    if len(set(phase_keys)) != len(phase_keys) or not all(phase_keys):
        raise BlueprintError(f"{where}: every phase needs a unique key")
    for phase in data["phases"]:
        pwhere = f"{where} phase {phase['key']}"
        _check_text(phase.get("title"), pwhere)
        for i, item in enumerate(phase.get("checklist", []), 1):
            _check_text(item.get("title"), f"{pwhere} checklist {i}")
        for i, output in enumerate(phase.get("outputs", []), 1):
            _check_text(output.get("title"), f"{pwhere} output {i}")
        for topic in phase.get("topics", []):
            _check_text(topic.get("title"), f"{pwhere} topic {topic.get('number')}")
            for question in topic.get("questions", []):
                _check_text(question, f"{pwhere} topic {topic.get('number')} question")
        for rule in phase.get("rules", []):
            if rule.get("other") not in phase_keys:
                raise BlueprintError(f"{pwhere}: rule refers to unknown phase {rule.get('other')!r}")
    for seat in data.get("seats", []):
        _check_text(seat.get("title"), f"{where} seat {seat.get('key')}")
    return Blueprint(
        key=data["key"],
        kind=data.get("kind", "process"),
        source=data.get("source", ""),
        title=data["title"],
        summary=data["summary"],
        description=data["description"],
        seats=tuple(data.get("seats", [])),
        phases=tuple(data["phases"]),
    )


@cache
def all_blueprints() -> dict[str, Blueprint]:
    blueprints = {}
    for path in sorted(BLUEPRINT_DIR.glob("*.yaml")):
        blueprint = load_blueprint(path)
        blueprints[blueprint.key] = blueprint
    return blueprints


def get_blueprint(key: str) -> Blueprint:
    try:
        return all_blueprints()[key]
    except KeyError as error:
        raise BlueprintError(f"unknown template {key!r}") from error


def apply_blueprint(space: Space, blueprint: Blueprint) -> None:
    """Create the blueprint's phases, checklist, outputs, topics and seats in `space` (inside its transaction)."""
    start = space.start_date
    Seat.objects.bulk_create(
        Seat(
            space=space,
            order=i,
            key=seat.get("key", ""),
            group=seat.get("group") or {},
            category=seat.get("category", "other"),
            title=seat["title"],
            suggested_role=seat.get("suggested_role", ""),
        )
        for i, seat in enumerate(blueprint.seats)
    )
    for order, spec in enumerate(blueprint.phases):
        # A phase without an offset is ongoing ("revised if needed"): it has no planned dates.
        offset = spec.get("start_offset_weeks")
        planned_start = start + timedelta(weeks=offset) if start and offset is not None else None
        duration = spec.get("duration_weeks")
        planned_end = (
            planned_start + timedelta(weeks=duration, days=-1) if planned_start and duration else None
        )
        phase = Phase.objects.create(
            space=space,
            order=order,
            key=spec["key"],
            title=spec["title"],
            description=spec.get("description") or {},
            planned_start=planned_start,
            planned_end=planned_end,
            rules=spec.get("rules", []),
        )
        ChecklistItem.objects.bulk_create(
            ChecklistItem(
                phase=phase,
                order=i,
                title=item["title"],
                owner_role=item.get("owner_role", ""),
                due_date=planned_start + timedelta(weeks=item["due_offset_weeks"])
                if planned_start and item.get("due_offset_weeks") is not None
                else None,
            )
            for i, item in enumerate(spec.get("checklist", []))
        )
        ExpectedOutput.objects.bulk_create(
            ExpectedOutput(phase=phase, order=i, title=output["title"])
            for i, output in enumerate(spec.get("outputs", []))
        )
        phase_topics_create(phase=phase, topics=spec.get("topics", []))

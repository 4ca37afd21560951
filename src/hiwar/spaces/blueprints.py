"""Process templates ("blueprints") shipped as YAML in `process_templates/`, taken from the seed documents.

A blueprint lays out a new space: its phases with planned dates, every checklist item and expected
output, the seats of its lead group, numbered discussion topics and their guiding questions, and
scheduling rules between phases. The YAML format is documented in docs/templates.md.
"""

import math
from dataclasses import dataclass
from datetime import date, timedelta
from functools import cache
from pathlib import Path

import yaml
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from hiwar.core.translation import pick
from hiwar.discussions.services import phase_topics_create
from hiwar.spaces.models import ChecklistItem, ExpectedOutput, Phase, Seat, Space
from hiwar.spaces.signals import blueprint_applied, blueprint_meetings_wanted

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
    meetings: tuple = ()  # recurring meetings (the CAG "every two months", C12), made by the events app

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
            if item.get("section"):
                _check_text(item["section"], f"{pwhere} checklist {i} section")
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
    for i, meeting in enumerate(data.get("meetings", []), 1):
        _check_text(meeting.get("title"), f"{where} meeting {i}")
        if not meeting.get("rule") or not meeting.get("count"):
            raise BlueprintError(f"{where} meeting {i}: give its rule and its number of meetings")
    return Blueprint(
        key=data["key"],
        kind=data.get("kind", "process"),
        source=data.get("source", ""),
        title=data["title"],
        summary=data["summary"],
        description=data["description"],
        seats=tuple(data.get("seats", [])),
        phases=tuple(data["phases"]),
        meetings=tuple(data.get("meetings", [])),
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
            optional=bool(seat.get("optional", False)),
        )
        for i, seat in enumerate(blueprint.seats)
    )
    for order, spec in enumerate(blueprint.phases):
        # A phase without an offset is ongoing ("revised if needed"), like a saved space's undated
        # phase (`start_offset_weeks: null`): it has no planned dates.
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
                section=item.get("section") or {},
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
    if blueprint.meetings:
        # Meetings are events: the events app makes them (spaces know nothing of events).
        blueprint_applied.send(sender=Space, space=space, meetings=blueprint.meetings)


# Saving a space's structure as a template ---------------------------------------------------------------


def _weeks(days: int) -> int | float:
    """`days` as the weeks of the template format, exact when whole, else rounded up to 1/10,000 of a week.

    Rounding up keeps the date: `date + timedelta(weeks=w)` counts whole days only, so a hair too many
    weeks lands on the same day and a hair too few on the day before.
    """
    if days % 7 == 0:
        return days // 7
    return math.ceil(days / 7 * 10_000) / 10_000


def _text(value: dict | None, fallback: dict | None = None) -> dict:
    """Text with every required language present: a missing one borrows another language's text."""
    value = {code: text for code, text in (value or {}).items() if str(text or "").strip()}
    if not value:
        value = dict(fallback or {})
    if value:
        for code in REQUIRED_LANGUAGES:
            value.setdefault(code, pick(value, code))
    return value


def space_blueprint_data(space: Space, today: date | None = None) -> dict:
    """The space's seats, phases, checklist, outputs, topics and rules in the template format (docs/templates.md)."""
    start = space.start_date
    phases = list(
        space.phases.prefetch_related("checklist", "outputs", "topics__questions").order_by("order", "id")
    )
    keys, taken = {}, set()
    for n, phase in enumerate(phases, 1):
        key = phase.key or f"phase-{n}"
        while key in taken:
            key = f"{key}-{n}"
        keys[phase.pk] = key
        taken.add(key)
    key_of_old = {phase.key: keys[phase.pk] for phase in phases if phase.key}
    today = today or timezone.localdate()
    summaries = {}
    for code in REQUIRED_LANGUAGES:
        with translation.override(code):
            summaries[code] = _("Saved from the space “%(space)s” on %(date)s.") % {
                "space": pick(space.title, code),
                "date": today.isoformat(),
            }
    data = {
        "key": space.slug,
        "kind": space.kind,
        "source": f"Hiwar space {space.slug}, saved {today.isoformat()}",
        "title": _text(space.title),
        "summary": summaries,
        "description": _text(space.description, summaries),
        "seats": [],
        "phases": [],
    }
    for n, seat in enumerate(space.seats.order_by("order", "id"), 1):
        spec = {"key": seat.key or f"seat-{n}"}
        if seat.group:
            spec["group"] = _text(seat.group)
        spec["category"] = seat.category
        spec["title"] = _text(seat.title)
        if seat.suggested_role:
            spec["suggested_role"] = seat.suggested_role
        if seat.optional:
            spec["optional"] = True
        data["seats"].append(spec)
    for phase in phases:
        spec = {"key": keys[phase.pk], "title": _text(phase.title)}
        if phase.description:
            spec["description"] = _text(phase.description)
        if start:
            spec["start_offset_weeks"] = (
                _weeks((phase.planned_start - start).days) if phase.planned_start else None
            )
            if phase.planned_start and phase.planned_end:
                spec["duration_weeks"] = _weeks((phase.planned_end - phase.planned_start).days + 1)
        checklist = []
        for item in phase.checklist.all():
            entry = {"title": _text(item.title)}
            if item.section:
                entry["section"] = _text(item.section)
            if item.owner_role:
                entry["owner_role"] = item.owner_role
            if item.due_date and phase.planned_start and start:
                entry["due_offset_weeks"] = _weeks((item.due_date - phase.planned_start).days)
            checklist.append(entry)
        if checklist:
            spec["checklist"] = checklist
        outputs = [{"title": _text(output.title)} for output in phase.outputs.all()]
        if outputs:
            spec["outputs"] = outputs
        topics = [
            {
                "number": topic.number,
                "title": _text(topic.title),
                "questions": [_text(q.text) for q in topic.questions.all()],
            }
            for topic in phase.topics.all()
        ]
        if topics:
            spec["topics"] = topics
        rules = [
            {**rule, "other": key_of_old[rule["other"]]}
            for rule in phase.rules or []
            if rule.get("other") in key_of_old
        ]
        if rules:
            spec["rules"] = rules
        data["phases"].append(spec)
    # Recurring meetings are the events app's: it answers with their template specs.
    meetings = [
        m for _receiver, specs in blueprint_meetings_wanted.send(sender=Space, space=space) for m in specs
    ]
    if meetings and start:
        data["meetings"] = meetings
    return data


def export_blueprint(space: Space, today: date | None = None) -> str:
    """YAML text that `load_blueprint` reads back (see docs/templates.md, "Saving a space as a template")."""
    header = (
        f"# Process template saved from the Hiwar space {space.slug!r}.\n"
        "# Put it in src/hiwar/spaces/process_templates/ (its file name = its key) to offer it to new spaces.\n"
    )
    body = yaml.safe_dump(space_blueprint_data(space, today), allow_unicode=True, sort_keys=False, width=100)
    return header + body

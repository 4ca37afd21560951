"""Compose, adjust and publish the tables of a dialogue from its confirmed registrants (C7).

The solver is pure; this module turns registrations into the solver's people and rules, and its
answer into tables. Locked tables keep their people when the rest is recomposed (late registrations,
no-shows); people who shared a table in an earlier dialogue of the same space are kept apart.
"""

import math
from dataclasses import dataclass

import numpy as np
from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from hiwar.core.audit import audit
from hiwar.events.models import Event, Registration
from hiwar.grouping.checks import TableProblem, table_problems
from hiwar.grouping.distances import (
    DEFAULT_WEIGHTS,
    distance_matrix,
    no_common_language_pairs,
    same_organisation_pairs,
)
from hiwar.grouping.models import Composition, Table, TableSeat
from hiwar.grouping.offline import random_baseline
from hiwar.grouping.solver import (
    InfeasibleError,
    Problem,
    kernels_ready,
    objective_of,
    solve,
    start_warm_up,
)
from hiwar.spaces.models import Membership, Role

WEIGHT_NAMES = tuple(DEFAULT_WEIGHTS)
# How often a composition is computed again when its participants change while the solver runs.
COMPOSE_ATTEMPTS = 3


def participants(event: Event) -> list[Registration]:
    return list(
        event.registrations.filter(status=Registration.Status.CONFIRMED)
        .select_related("user__profile__organisation")
        .order_by("user__name", "user_id")
    )


def attributes(registration: Registration) -> dict:
    """What grouping weighs, from the registration answers first and the profile second."""
    profile = getattr(registration.user, "profile", None)
    organisation = profile.organisation if profile else None
    languages = list(profile.working_languages or []) if profile else []
    if registration.working_language and registration.working_language not in languages:
        languages.insert(0, registration.working_language)
    return {
        "organisation": registration.organisation or (organisation.name if organisation else ""),
        "organisation_type": organisation.type if organisation else "",
        "sector": registration.sector or (profile.sector if profile else ""),
        "stakeholder_group": registration.stakeholder_group or (profile.stakeholder_group if profile else ""),
        "gender": profile.gender if profile else "",
        "age_range": profile.age_range if profile else "",
        "country": str(profile.country) if profile and profile.country else "",
        "region": profile.region if profile else "",
        "languages": languages,
    }


def _met_before(event: Event, user_ids: list[int]) -> list[tuple[int, int]]:
    """Pairs (as indices into user_ids) who sat at one table in an earlier published dialogue of the space."""
    index = {uid: i for i, uid in enumerate(user_ids)}
    seats = TableSeat.objects.filter(
        composition__event__space=event.space,
        composition__status=Composition.Status.PUBLISHED,
        user_id__in=user_ids,
    ).exclude(composition__event=event)
    tables: dict[int, list[int]] = {}
    for table_id, user_id in seats.values_list("table_id", "user_id"):
        tables.setdefault(table_id, []).append(index[user_id])
    pairs = {
        (min(a, b), max(a, b)) for members in tables.values() for a in members for b in members if a != b
    }
    return sorted(pairs)


def _facilitators(event: Event, user_ids: list[int]) -> list[int]:
    return list(
        Membership.objects.filter(space=event.space, role=Role.FACILITATOR, user_id__in=user_ids)
        .order_by("user__name")
        .values_list("user_id", flat=True)
    )


def clean_weights(weights: dict | None) -> dict:
    cleaned = dict(DEFAULT_WEIGHTS)
    for name, value in (weights or {}).items():
        if name in WEIGHT_NAMES:
            value = float(value)
            if not 0 <= value <= 10:
                raise ValidationError({name: _("A weight is a number from 0 to 10.")})
            cleaned[name] = value
    return cleaned


@dataclass
class _Plan:
    """What a composition is computed from; `snapshot` is re-checked before the result is written."""

    snapshot: tuple
    user_ids: list[int]
    problem: Problem
    facilitators: set[int]  # user ids seated as facilitators
    locked_numbers: set[int]
    distances: np.ndarray


def _snapshot(event: Event) -> tuple:
    """The inputs a composition depends on: who is confirmed, which tables are locked with whom, who is
    kept together. A change to any of them while the solver ran makes its answer stale."""
    confirmed = tuple(
        event.registrations.filter(status=Registration.Status.CONFIRMED)
        .order_by("user_id")
        .values_list("user_id", flat=True)
    )
    composition = Composition.objects.filter(event=event).first()
    if composition is None:
        return confirmed, (), ()
    locked = tuple(
        composition.seats.filter(table__locked=True)
        .order_by("table__number", "user_id")
        .values_list("table__number", "user_id", "is_facilitator")
    )
    return confirmed, locked, tuple(map(tuple, composition.keep_together))


def _plan(event, *, table_count, table_size, weights, organisations_apart, shared_language) -> _Plan:
    snapshot = _snapshot(event)
    registrations = participants(event)
    n = len(registrations)
    if n < 2:
        raise ValidationError(_("At least two confirmed participants are needed to compose tables."))
    if table_count is None and table_size:
        table_count = math.ceil(n / table_size)
    if not table_count or table_count < 1:
        raise ValidationError({"table_count": _("Give the number of tables or the size of a table.")})
    if table_count > n:
        raise ValidationError(
            {
                "table_count": _("%(tables)s tables for %(people)s people: fewer tables, please.")
                % {"tables": table_count, "people": n}
            }
        )
    composition = Composition.objects.filter(event=event).first()
    locked: dict[int, list[int]] = {}  # table number -> user ids kept
    for number, user_id, _is_facilitator in snapshot[1]:
        if number <= table_count:
            locked.setdefault(number, []).append(user_id)
    user_ids = [r.user_id for r in registrations]
    position = {uid: i for i, uid in enumerate(user_ids)}
    people = [attributes(r) for r in registrations]

    fixed: dict[int, int] = {}
    for number, members in locked.items():
        for uid in members:
            if uid in position:  # a locked person who cancelled is simply gone
                fixed[position[uid]] = number - 1
    free_tables = [t for t in range(table_count) if t + 1 not in locked]
    all_facilitators = _facilitators(event, user_ids)
    facilitating = {fixed[position[uid]] for uid in all_facilitators if position[uid] in fixed}
    # Every facilitator sits at a table as a facilitator: first one per table that has none (the
    # tables being recomposed first, then locked tables that lost theirs), then any more of them
    # beside another, spread over the recomposed tables. None is ever seated as a participant.
    waiting = [uid for uid in all_facilitators if position[uid] not in fixed]
    without = [t for t in free_tables if t not in facilitating] + [
        number - 1 for number in sorted(locked) if number - 1 not in facilitating
    ]
    joining_locked: dict[int, int] = {}
    for table, uid in zip(without, waiting, strict=False):
        fixed[position[uid]] = table
        if table not in free_tables:
            joining_locked[table] = joining_locked.get(table, 0) + 1
    spread = free_tables or sorted(number - 1 for number in locked)
    for k, uid in enumerate(waiting[len(without) :]):
        table = spread[k % len(spread)]
        fixed[position[uid]] = table
        if table not in free_tables:
            joining_locked[table] = joining_locked.get(table, 0) + 1
    facilitator_ids = set(all_facilitators)

    locked_sizes = {
        number - 1: sum(1 for uid in members if uid in position) + joining_locked.get(number - 1, 0)
        for number, members in locked.items()
    }
    remaining = n - sum(locked_sizes.values())
    lower = np.zeros(table_count, dtype=np.int64)
    upper = np.zeros(table_count, dtype=np.int64)
    if free_tables:
        base, extra = divmod(remaining, len(free_tables))
        lower[free_tables] = base
        upper[free_tables] = base + (1 if extra else 0)
    for table, size in locked_sizes.items():
        lower[table] = upper[table] = size
    distances = distance_matrix(people, weights, _met_before(event, user_ids))
    together = [
        (position[a], position[b])
        for a, b in (composition.keep_together if composition else [])
        if a in position and b in position
    ]
    apart = same_organisation_pairs(people) if organisations_apart else []
    if shared_language and not event.interpretation_languages:
        apart += no_common_language_pairs(people)
    # A locked table stays as the convenor left it; people kept together are never kept apart.
    linked = {frozenset(pair) for pair in together}
    apart = [
        (i, j)
        for i, j in apart
        if not (i in fixed and j in fixed and fixed[i] == fixed[j]) and frozenset((i, j)) not in linked
    ]
    problem = Problem(
        distances=distances, lower=lower, upper=upper, fixed=fixed, must_link=together, cannot_link=apart
    )
    return _Plan(
        snapshot=snapshot,
        user_ids=user_ids,
        problem=problem,
        facilitators=facilitator_ids,
        locked_numbers=set(locked),
        distances=distances,
    )


def compose(
    *,
    event: Event,
    actor,
    table_count: int | None = None,
    table_size: int | None = None,
    weights: dict | None = None,
    organisations_apart: bool = True,
    shared_language: bool = False,
    seed: int = 0,
    time_limit: float | None = None,
) -> Composition:
    """(Re)compose the tables; locked tables keep their people, everyone else is placed anew.

    The solver runs outside any transaction (on SQLite a held write lock would stop every other
    writer, the task worker included); the result is written in a short transaction that first checks
    the participants and locked tables did not change meanwhile, and computes again if they did.
    """
    weights = clean_weights(weights)
    for _attempt in range(COMPOSE_ATTEMPTS):
        plan = _plan(
            event,
            table_count=table_count,
            table_size=table_size,
            weights=weights,
            organisations_apart=organisations_apart,
            shared_language=shared_language,
        )
        try:
            solution = solve(
                plan.problem, time_limit=time_limit or settings.HIWAR_GROUPING_TIME_LIMIT, seed=seed
            )
        except InfeasibleError as error:
            if organisations_apart or shared_language:
                raise ValidationError(
                    _(
                        "The tables cannot meet every rule at once: allow two people of one organisation at a "
                        "table, drop the shared-language rule, or change the number of tables."
                    )
                ) from error
            raise ValidationError(
                _("No seating meets the sizes, facilitators and people kept together.")
            ) from error
        with transaction.atomic():
            locked_event = Event.objects.select_for_update().get(pk=event.pk)
            if _snapshot(locked_event) != plan.snapshot:
                continue  # someone registered, cancelled or locked a table meanwhile: compute again
            return _save_composition(
                locked_event,
                actor,
                plan,
                solution,
                weights=weights,
                organisations_apart=organisations_apart,
                shared_language=shared_language,
                seed=seed,
            )
    raise ValidationError(
        _("The list of participants kept changing while the tables were composed; try again in a moment.")
    )


def _save_composition(event, actor, plan: _Plan, solution, **options) -> Composition:
    table_count = len(plan.problem.lower)
    composition = Composition.objects.filter(event=event).first() or Composition(event=event)
    composition.table_count = table_count
    composition.weights = options["weights"]
    composition.organisations_apart = options["organisations_apart"]
    composition.shared_language = options["shared_language"]
    composition.seed = options["seed"]
    composition.status = Composition.Status.DRAFT
    composition.published_at = None
    composition.save()
    composition.tables.all().delete()
    tables = Table.objects.bulk_create(
        Table(
            composition=composition,
            number=t + 1,
            locked=(t + 1) in plan.locked_numbers,
            score=float(solution.group_scores[t]),
        )
        for t in range(table_count)
    )
    TableSeat.objects.bulk_create(
        TableSeat(
            table=tables[int(solution.assignment[i])],
            composition=composition,
            user_id=uid,
            is_facilitator=uid in plan.facilitators,
        )
        for i, uid in enumerate(plan.user_ids)
    )
    sizes = np.bincount(solution.assignment, minlength=table_count)
    composition.score = solution.objective
    composition.random_score = random_baseline(plan.distances, sizes, options["seed"])
    composition.save(update_fields=["score", "random_score", "updated_at"])
    audit(
        actor=actor,
        action="tables.compose",
        space=event.space,
        target=str(event),
        tables=table_count,
        people=len(plan.user_ids),
    )
    return composition


def inline_max() -> int:
    """How many people are composed within the request. Until the solver's kernels are compiled (a
    fresh installation: tens of seconds), none: the task worker composes while the page shows the
    progress, and this process compiles them in the background meanwhile."""
    if kernels_ready():
        return settings.HIWAR_GROUPING_INLINE_MAX
    start_warm_up()
    return getattr(settings, "HIWAR_GROUPING_COLD_INLINE_MAX", 0)


def request_composition(*, event: Event, actor, **params) -> tuple[Composition | None, bool]:
    """Compose now when the list is small; otherwise queue a background task. Returns (composition, queued)."""
    from hiwar.grouping.tasks import compose_tables

    count = event.registrations.filter(status=Registration.Status.CONFIRMED).count()
    if count <= inline_max():
        return compose(event=event, actor=actor, **params), False
    with transaction.atomic():
        composition, _created = Composition.objects.get_or_create(
            event=event, defaults={"table_count": params.get("table_count") or 1}
        )
        if composition.is_busy:
            raise ValidationError(_("The tables are being composed already; wait for the result."))
        params["time_limit"] = settings.HIWAR_GROUPING_BACKGROUND_TIME_LIMIT
        composition.job_state = "queued"
        composition.job_params = params
        composition.job_error = ""
        composition.job_started_at = timezone.now()
        composition.save(
            update_fields=["job_state", "job_params", "job_error", "job_started_at", "updated_at"]
        )
        actor_id = actor.pk if actor else None
        transaction.on_commit(lambda: compose_tables.enqueue(composition.pk, actor_id))
    return composition, True


def job_progress(composition: Composition) -> int:
    """Percent of the background search's time budget used so far (the solver is anytime)."""
    if not composition.is_busy or composition.job_started_at is None:
        return 0
    budget = composition.job_params.get("time_limit") or settings.HIWAR_GROUPING_BACKGROUND_TIME_LIMIT
    elapsed = (timezone.now() - composition.job_started_at).total_seconds()
    return max(0, min(99, int(100 * elapsed / budget)))


def current_distances(composition: Composition, registrations: list[Registration]) -> np.ndarray:
    """The distances between these people, with the composition's weights."""
    people = [attributes(r) for r in registrations]
    user_ids = [r.user_id for r in registrations]
    return distance_matrix(people, composition.weights, _met_before(composition.event, user_ids))


def _rescore(composition: Composition) -> None:
    """Scores after a manual change, from the same weights and people as the composition."""
    registrations = participants(composition.event)
    user_ids = [r.user_id for r in registrations]
    people = [attributes(r) for r in registrations]
    distances = distance_matrix(people, composition.weights, _met_before(composition.event, user_ids))
    table_of = dict(composition.seats.values_list("user_id", "table__number"))
    assignment = np.array([table_of.get(uid, 0) - 1 for uid in user_ids], dtype=np.int64)
    seated = assignment >= 0
    total, scores = objective_of(
        distances[np.ix_(seated, seated)], assignment[seated], composition.table_count
    )
    composition.score = total
    composition.save(update_fields=["score", "updated_at"])
    for table in composition.tables.all():
        table.score = float(scores[table.number - 1])
        table.save(update_fields=["score"])


@transaction.atomic
def move(*, composition: Composition, user_id: int, table_number: int, actor) -> TableSeat:
    seat = TableSeat.objects.select_related("table").filter(composition=composition, user_id=user_id).first()
    target = composition.tables.filter(number=table_number).first()
    if seat is None or target is None:
        raise ValidationError(_("Choose a person and a table of this composition."))
    if seat.table.locked or target.locked:
        raise ValidationError(_("Unlock the table first: a locked table keeps its people."))
    if seat.is_facilitator:
        raise ValidationError(_("A facilitator stays with their table; move the participants instead."))
    seat.table = target
    seat.save(update_fields=["table"])
    _rescore(composition)
    audit(
        actor=actor,
        action="tables.move",
        space=composition.event.space,
        target=str(seat.user),
        table=table_number,
    )
    return seat


@transaction.atomic
def keep_together(*, composition: Composition, first_id: int, second_id: int, actor) -> Composition:
    """Seat two people at one table from the next composition on (a person and their interpreter)."""
    seated = set(composition.seats.values_list("user_id", flat=True))
    if first_id == second_id or first_id not in seated or second_id not in seated:
        raise ValidationError(_("Choose two different people of this composition."))
    pair = sorted((first_id, second_id))
    if pair not in composition.keep_together:
        composition.keep_together = [*composition.keep_together, pair]
        composition.save(update_fields=["keep_together", "updated_at"])
        audit(
            actor=actor,
            action="tables.keep_together",
            space=composition.event.space,
            target=str(composition.event),
            pair=pair,
        )
    return composition


@transaction.atomic
def release(*, composition: Composition, pair: list[int], actor) -> Composition:
    composition.keep_together = [p for p in composition.keep_together if p != sorted(pair)]
    composition.save(update_fields=["keep_together", "updated_at"])
    audit(
        actor=actor,
        action="tables.release",
        space=composition.event.space,
        target=str(composition.event),
        pair=sorted(pair),
    )
    return composition


@transaction.atomic
def set_locked(*, table: Table, locked: bool, actor) -> Table:
    table.locked = locked
    table.save(update_fields=["locked"])
    audit(
        actor=actor,
        action="tables.lock" if locked else "tables.unlock",
        space=table.composition.event.space,
        target=str(table.composition.event),
        table=table.number,
    )
    return table


def current_seats(composition: Composition):
    """The seats of people still confirmed: someone who cancelled after the tables were composed
    keeps a seat row until the next re-seat or composition, but sits at no table meanwhile."""
    confirmed = composition.event.registrations.filter(status=Registration.Status.CONFIRMED)
    return composition.seats.filter(user_id__in=confirmed.values("user_id"))


def current_problems(composition: Composition) -> list[TableProblem]:
    """The tables' problems (no facilitator, unequal or too small) as they stand now."""
    sizes: dict[int, list[int]] = {}
    for number, is_facilitator in current_seats(composition).values_list("table__number", "is_facilitator"):
        entry = sizes.setdefault(number, [0, 0])
        entry[0] += 1
        entry[1] += int(is_facilitator)
    numbers = composition.tables.values_list("number", flat=True)
    return table_problems([(n, sizes.get(n, [0, 0])[0], bool(sizes.get(n, [0, 0])[1])) for n in numbers])


class TablesHaveProblems(ValidationError):
    """Publishing tables that have problems needs the convenor's confirmation."""

    def __init__(self, problems: list[TableProblem]):
        self.problems = problems
        super().__init__(_("Some tables have problems: confirm to publish them as they are."))


@transaction.atomic
def publish(*, composition: Composition, actor, accept_problems: bool = False) -> Composition:
    """Publish the tables; with problems (see checks.py) only when the convenor accepted them."""
    if composition.is_busy:
        raise ValidationError(_("The tables are being composed; publish them once they are ready."))
    if not composition.tables.exists():
        raise ValidationError(_("There are no tables to publish yet: compose them first."))
    problems = current_problems(composition)
    if problems and not accept_problems:
        raise TablesHaveProblems(problems)
    composition.status = Composition.Status.PUBLISHED
    composition.published_at = timezone.now()
    composition.save(update_fields=["status", "published_at", "updated_at"])
    audit(
        actor=actor,
        action="tables.publish",
        space=composition.event.space,
        target=str(composition.event),
        problems=len(problems),
    )
    return composition


def reseat(*, composition: Composition, actor) -> tuple[int, int]:
    """Bring the tables up to date without moving anyone: seats of people no longer confirmed are
    removed, and each person confirmed since the composition sits at the least-full unlocked table —
    among equally full ones, the one they add most diversity to, without a colleague of their
    organisation where the composition keeps organisations apart. A facilitator goes first to a
    table without one. Returns (seats removed, people seated)."""
    with transaction.atomic():
        event = Event.objects.select_for_update().get(pk=composition.event_id)
        composition = Composition.objects.select_for_update().get(pk=composition.pk)
        registrations = participants(event)
        position = {r.user_id: i for i, r in enumerate(registrations)}
        seats = list(composition.seats.select_related("table"))
        gone = [seat.pk for seat in seats if seat.user_id not in position]
        seats = [seat for seat in seats if seat.user_id in position]
        seated = {seat.user_id for seat in seats}
        newcomers = [r.user_id for r in registrations if r.user_id not in seated]
        tables = {table.pk: table for table in composition.tables.all()}
        open_tables = [table for table in tables.values() if not table.locked]
        if newcomers and not open_tables:
            raise ValidationError(
                _("Every table is locked: unlock a table or recompose to seat the newcomers.")
            )
        facilitator_ids = set(_facilitators(event, newcomers))
        newcomers.sort(key=lambda uid: uid not in facilitator_ids)  # facilitators first
        people = [attributes(r) for r in registrations]
        distances = distance_matrix(people, composition.weights, _met_before(event, list(position)))
        organisations = [p["organisation"].strip().casefold() for p in people]
        members: dict[int, list[int]] = {table.pk: [] for table in tables.values()}
        facilitated: set[int] = set()
        for seat in seats:
            members[seat.table_id].append(position[seat.user_id])
            if seat.is_facilitator:
                facilitated.add(seat.table_id)
        new_seats = []
        for uid in newcomers:
            i = position[uid]
            is_facilitator = uid in facilitator_ids

            def preference(table, i=i, is_facilitator=is_facilitator):
                at_table = members[table.pk]
                clash = composition.organisations_apart and any(
                    organisations[i] and organisations[j] == organisations[i] for j in at_table
                )
                return (
                    is_facilitator and table.pk in facilitated,
                    len(at_table),
                    clash,
                    -float(distances[i, at_table].sum()) if at_table else 0.0,
                    table.number,
                )

            table = min(open_tables, key=preference)
            members[table.pk].append(i)
            if is_facilitator:
                facilitated.add(table.pk)
            new_seats.append(
                TableSeat(table=table, composition=composition, user_id=uid, is_facilitator=is_facilitator)
            )
        TableSeat.objects.filter(pk__in=gone).delete()
        TableSeat.objects.bulk_create(new_seats)
        if gone or new_seats:
            _rescore(composition)
            audit(
                actor=actor,
                action="tables.reseat",
                space=event.space,
                target=str(event),
                removed=len(gone),
                seated=len(new_seats),
            )
    return len(gone), len(new_seats)

import csv

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from hiwar.core.forms import add_validation_error, parse_id
from hiwar.events.selectors import event_for_user
from hiwar.grouping import selectors, services
from hiwar.grouping.forms import ComposeForm, KeepTogetherForm, MoveForm
from hiwar.grouping.models import Composition, Table


def _managed_event(request, slug, event_id):
    event = event_for_user(request.user, slug, event_id)
    if not request.user.has_perm("events.manage_event", event):
        raise PermissionDenied
    return event


@login_required
def tables_view(request, slug, event_id):
    event = _managed_event(request, slug, event_id)
    composition = Composition.objects.filter(event=event).first()
    initial = {"organisations_apart": True, "seed": 0}
    if composition:
        initial.update(
            table_count=composition.table_count,
            organisations_apart=composition.organisations_apart,
            shared_language=composition.shared_language,
            seed=composition.seed,
            **{f"w_{k}": v for k, v in composition.weights.items()},
        )
    form = ComposeForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            _composition, queued = services.request_composition(
                event=event,
                actor=request.user,
                table_count=data.get("table_count"),
                table_size=data.get("table_size"),
                weights=form.weights(),
                organisations_apart=data.get("organisations_apart", False),
                shared_language=data.get("shared_language", False),
                seed=data.get("seed") or 0,
            )
        except ValidationError as error:
            add_validation_error(form, error)
        else:
            if queued:
                messages.info(
                    request, _("Many participants: the tables are being composed in the background.")
                )
            else:
                messages.success(request, _("The tables are composed. Check them, adjust, then publish."))
            return redirect("grouping:tables", slug=slug, event_id=event.pk)
    overview = selectors.tables_overview(composition) if composition else None
    tables = overview.tables if overview else []
    return render(
        request,
        "grouping/tables.html",
        {
            "space": event.space,
            "event": event,
            "form": form,
            "composition": composition,
            "overview": overview,
            "tables": tables,
            "move_form": MoveForm(),
            "keep_form": KeepTogetherForm(people=[v.user for t in tables for v in t.seats])
            if composition
            else None,
            "kept_pairs": _kept_pairs(composition),
            "progress": services.job_progress(composition) if composition else 0,
        },
    )


def _kept_pairs(composition) -> list[tuple[list[int], str, str]]:
    if composition is None or not composition.keep_together:
        return []
    names = dict(composition.seats.values_list("user_id", "user__name"))
    return [(pair, names.get(pair[0], "?"), names.get(pair[1], "?")) for pair in composition.keep_together]


@login_required
@require_POST
def keep_together_view(request, slug, event_id):
    event = _managed_event(request, slug, event_id)
    composition = get_object_or_404(Composition, event=event)
    people = [seat.user for seat in composition.seats.select_related("user")]
    form = KeepTogetherForm(request.POST, people=people)
    if request.POST.get("release"):
        first, _sep, second = request.POST["release"].partition("-")
        pair = [parse_id(first), parse_id(second)]
        if None in pair:
            messages.error(request, _("Choose two different people of this composition."))
        else:
            services.release(composition=composition, pair=pair, actor=request.user)
    elif form.is_valid():
        try:
            services.keep_together(
                composition=composition,
                first_id=form.cleaned_data["first"],
                second_id=form.cleaned_data["second"],
                actor=request.user,
            )
            messages.success(request, _("They will sit together from the next composition on: recompose."))
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
    else:
        messages.error(request, _("Choose two different people of this composition."))
    return redirect("grouping:tables", slug=slug, event_id=event.pk)


@login_required
@require_POST
def move_view(request, slug, event_id):
    event = _managed_event(request, slug, event_id)
    composition = get_object_or_404(Composition, event=event)
    form = MoveForm(request.POST)
    if form.is_valid():
        try:
            services.move(
                composition=composition,
                user_id=form.cleaned_data["user_id"],
                table_number=form.cleaned_data["table"],
                actor=request.user,
            )
            messages.success(request, _("Moved; the scores are updated."))
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
    else:
        messages.error(request, _("Choose a person and a table of this composition."))
    return redirect("grouping:tables", slug=slug, event_id=event.pk)


@login_required
@require_POST
def lock_view(request, slug, event_id, number):
    event = _managed_event(request, slug, event_id)
    table = get_object_or_404(Table, composition__event=event, number=number)
    services.set_locked(table=table, locked=request.POST.get("locked") == "1", actor=request.user)
    return redirect("grouping:tables", slug=slug, event_id=event.pk)


@login_required
@require_POST
def publish_view(request, slug, event_id):
    event = _managed_event(request, slug, event_id)
    composition = get_object_or_404(Composition, event=event)
    try:
        services.publish(
            composition=composition, actor=request.user, accept_problems=request.POST.get("confirm") == "1"
        )
    except services.TablesHaveProblems as error:
        # A page of its own, not a script's confirm(): it works without JavaScript.
        return render(
            request,
            "grouping/publish_confirm.html",
            {
                "space": event.space,
                "event": event,
                "problems": [selectors.problem_message(p) for p in error.problems],
            },
        )
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
        return redirect("grouping:tables", slug=slug, event_id=event.pk)
    messages.success(
        request, _("Published: each participant now sees their table, each facilitator their list.")
    )
    return redirect("grouping:tables", slug=slug, event_id=event.pk)


@login_required
@require_POST
def reseat_view(request, slug, event_id):
    event = _managed_event(request, slug, event_id)
    composition = get_object_or_404(Composition, event=event)
    try:
        services.reseat(composition=composition, actor=request.user)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, _("The tables are up to date; no one else was moved."))
    return redirect("grouping:tables", slug=slug, event_id=event.pk)


@login_required
def export_pdf_view(request, slug, event_id):
    from hiwar.grouping.pdf import tables_pdf

    event = _managed_event(request, slug, event_id)
    composition = get_object_or_404(Composition, event=event)
    response = HttpResponse(tables_pdf(composition, get_language()), content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="tables-event-{event.pk}.pdf"'
    return response


@login_required
def export_csv_view(request, slug, event_id):
    event = _managed_event(request, slug, event_id)
    composition = get_object_or_404(Composition, event=event)
    tables = selectors.tables_overview(composition).tables
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="tables-event-{event.pk}.csv"'
    response.write("\ufeff")  # so that spreadsheet programs read the Arabic names as UTF-8
    writer = csv.writer(response)
    writer.writerow([_("Table"), _("Name"), _("Role"), _("E-mail address")])
    for view in tables:
        for seat in view.seats:
            role = _("Facilitator") if seat.is_facilitator else _("Participant")
            writer.writerow([view.table.number, seat.user.name, role, seat.user.email])
    return response

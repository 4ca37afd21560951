from datetime import date

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import get_language, gettext_lazy
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from hiwar.core import throttling
from hiwar.core.emails import delivery_counts
from hiwar.core.forms import add_validation_error, parse_id, safe_next
from hiwar.core.translation import pick
from hiwar.events import selectors, services
from hiwar.events.display import event_when, rule_text
from hiwar.events.forms import (
    ActionItemForm,
    AgendaItemForm,
    AnnouncementForm,
    AttendanceSearchForm,
    DocumentForm,
    EventFilterForm,
    EventForm,
    MinutesForm,
    MinutesRequestForm,
    RegistrationForm,
    RuleForm,
    RuleSearchForm,
    SeriesForm,
    default_zone,
)
from hiwar.events.ics import calendar_for, event_calendar
from hiwar.events.models import (
    ActionItem,
    AgendaItem,
    CalendarFeed,
    Document,
    Event,
    MinutesAccessRequest,
    Registration,
)
from hiwar.events.rules import takes_self_registration
from hiwar.spaces import services as space_services
from hiwar.spaces.selectors import space_for_user

PAGE_SIZE = 30
ATTENDANCE_PAGE_SIZE = 50
PAST_WARNING = gettext_lazy(
    "This date is already past. The event is saved; check the year and the time if you meant a future date."
)


def _organised_event(request, slug, event_id) -> Event:
    event = selectors.event_for_user(request.user, slug, event_id)
    if not request.user.has_perm("events.manage_event", event):
        raise PermissionDenied
    return event


def _organised_space(request, slug):
    space = space_for_user(request.user, slug, "spaces.view_space")
    if not request.user.has_perm("events.add_event", space):
        raise PermissionDenied
    return space


def _ics_response(content: bytes, filename: str) -> HttpResponse:
    response = HttpResponse(content, content_type="text/calendar; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


def _viewer_zone(request) -> str:
    return getattr(request.user, "timezone", "") or ""


# Lists -----------------------------------------------------------------------------------------------------


def event_list_view(request):
    form = EventFilterForm(request.GET)
    events = selectors.event_list(request.user, **form.selection())
    if form.is_valid() and form.cleaned_data.get("period") == "past":
        events = events.reverse()  # the most recent first
    page = Paginator(events, PAGE_SIZE).get_page(request.GET.get("page"))
    zone = _viewer_zone(request)
    rows = [
        (event, event_when(event, zone, html=True))
        for event in selectors.with_confirmed_counts(page.object_list)
    ]
    query = {k: v for k, v in request.GET.items() if k != "page" and v}
    return render(request, "events/list.html", {"form": form, "page": page, "rows": rows, "filters": query})


def space_events_view(request, slug):
    space = space_for_user(request.user, slug, "spaces.view_space")
    events = selectors.event_list(request.user, space=space.slug)
    page = Paginator(events, PAGE_SIZE).get_page(request.GET.get("page"))
    zone = _viewer_zone(request)
    return render(
        request,
        "events/space_events.html",
        {
            "space": space,
            "page": page,
            "rows": [
                (event, event_when(event, zone, html=True))
                for event in selectors.with_confirmed_counts(page.object_list)
            ],
            "can_add": request.user.has_perm("events.add_event", space),
        },
    )


def timeline_view(request, slug):
    space = space_for_user(request.user, slug, "spaces.view_space")
    entries = selectors.space_timeline(space)
    zone = _viewer_zone(request)
    for entry in entries:
        entry.when = event_when(entry.obj, zone, html=True) if entry.kind == "event" else None
    today = timezone.localdate()
    return render(
        request,
        "events/timeline.html",
        {
            "space": space,
            "entries": entries,
            "today": today,
            "today_index": selectors.today_position(entries, today),
        },
    )


# Create and edit ------------------------------------------------------------------------------------------


@login_required
def event_create_view(request, slug):
    space = _organised_space(request, slug)
    country = str(space.country or "")
    form = EventForm(
        request.POST or None,
        initial={"precision": "exact", "timezone": default_zone(country=country, user=request.user)},
        country=country,
    )
    if request.method == "POST" and form.is_valid():
        when, start, end = form.when()
        try:
            event = services.event_create(
                space=space, actor=request.user, when=when, start=start, end=end, **form.event_fields()
            )
        except ValidationError as error:
            add_validation_error(form, error, default_field="precision")
        else:
            messages.success(request, _("The event is created."))
            if services.is_in_the_past(event):
                messages.warning(request, PAST_WARNING)
            return redirect(event)
    return render(request, "events/event_form.html", {"space": space, "form": form})


def _initial_for(event: Event) -> dict:
    tz = event.timezone
    initial = {
        "kind": event.kind,
        "title": event.title,
        "description": event.description,
        "format": event.format,
        "venue": event.venue,
        "online_url": event.online_url,
        "registration_mode": event.registration_mode,
        "capacity": event.capacity,
        "interpretation_languages": event.interpretation_languages,
        "minutes_visibility": event.minutes_visibility,
        "timezone": tz,
        "precision": event.precision,
        "year": event.date_year,
        "month": event.date_month,
        "week": event.date_week,
        "part": event.date_part,
    }
    from zoneinfo import ZoneInfo

    if event.start:
        initial["start"] = event.start.astimezone(ZoneInfo(tz)).replace(tzinfo=None)
        initial["end"] = event.end.astimezone(ZoneInfo(tz)).replace(tzinfo=None)
    if event.registration_closes:
        initial["registration_closes"] = event.registration_closes.astimezone(ZoneInfo(tz)).replace(
            tzinfo=None
        )
    if event.precision == "day":
        # The day as given (with other possible days, `earliest` may be one of those).
        initial["day"] = date(event.date_year, event.date_month, event.date_day)
        if event.date_alternatives:
            initial["alternative_day"] = date.fromisoformat(event.date_alternatives[0])
    initial["date_tentative"] = event.date_tentative
    return initial


@login_required
def event_edit_view(request, slug, event_id):
    event = _organised_event(request, slug, event_id)
    form = EventForm(
        request.POST or None, initial=_initial_for(event), country=str(event.space.country or "")
    )
    if request.method == "POST" and form.is_valid():
        when, start, end = form.when()
        try:
            change = services.event_update(
                event=event, actor=request.user, when=when, start=start, end=end, **form.event_fields()
            )
        except ValidationError as error:
            add_validation_error(form, error, default_field="precision")
        else:
            messages.success(request, _("The event is saved."))
            if change.moved_into_past:
                messages.warning(request, PAST_WARNING)
            for state in change.broken_rules:
                messages.warning(
                    request,
                    _("This date breaks a rule: “%(event)s” must be %(rule)s.")
                    % {
                        "event": pick(state.rule.event.title),
                        "rule": rule_text(state.rule.kind, state.rule.amount, pick(state.rule.other.title)),
                    },
                )
            return redirect(change.event)
    return render(request, "events/event_form.html", {"space": event.space, "form": form, "event": event})


@login_required
def series_create_view(request, slug):
    space = _organised_space(request, slug)
    country = str(space.country or "")
    form = SeriesForm(
        request.POST or None,
        initial={"timezone": default_zone(country=country, user=request.user)},
        country=country,
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            series = services.series_create(
                space=space,
                actor=request.user,
                title=data["title"],
                kind=data["kind"],
                rule=form.rule(),
                first_start=form.first_start_aware(),
                duration=form.duration(),
                tz=data["timezone"],
                count=data.get("count"),
                until=data.get("until"),
                format=data["format"],
                online_url=data["online_url"],
                registration_mode=data["registration_mode"],
            )
        except ValidationError as error:
            add_validation_error(form, error, default_field="rrule")
        else:
            messages.success(
                request, _("%(count)s meetings are scheduled.") % {"count": series.occurrences.count()}
            )
            return redirect("events:space_events", slug=space.slug)
    return render(request, "events/series_form.html", {"space": space, "form": form})


@login_required
def event_cancel_view(request, slug, event_id):
    """GET says what cancelling does and whom it tells; only the POST of that page cancels."""
    event = _organised_event(request, slug, event_id)
    if request.method == "POST":
        try:
            services.event_cancel(event=event, actor=request.user)
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        else:
            messages.success(request, _("The event is cancelled; registered participants are told."))
        return redirect(event)
    return render(
        request,
        "events/cancel_confirm.html",
        {"space": event.space, "event": event, "told": selectors.told_of_cancellation(event)},
    )


# The event page ------------------------------------------------------------------------------------------


def event_detail_view(request, slug, event_id):
    event = selectors.event_for_user(request.user, slug, event_id)
    return render(request, "events/detail.html", _detail_context(request, event))


def _detail_context(request, event: Event, *, registration_form: RegistrationForm | None = None) -> dict:
    agenda = list(event.agenda.all())
    user = request.user
    can_manage = user.has_perm("events.manage_event", event)
    registration = selectors.registration_of(user, event)
    documents = [d for d in event.documents.all()]
    if registration_form is None and user.is_authenticated:
        registration_form = RegistrationForm(initial=services.registration_defaults(user), event=event)
    seats_left = selectors.seats_left(event) if event.capacity else None
    context = {
        "space": event.space,
        "event": event,
        "when": event_when(event, _viewer_zone(request), html=True),
        "agenda": agenda,
        "agenda_minutes": sum(i.duration_minutes for i in agenda),
        "carried_forward": selectors.carried_forward_actions(event),
        "documents": documents,
        "registration": registration,
        "registration_form": registration_form,
        "can_manage": can_manage,
        "can_register": user.has_perm("events.register", event),
        # Only verification stands between this person and the registration form.
        "must_verify": user.is_authenticated
        and not user.email_verified
        and takes_self_registration.test(user, event),
        "is_full": seats_left is not None and seats_left <= 0,
        "can_see_logistics": user.has_perm("events.see_logistics", event),
        "can_view_minutes": user.has_perm("events.view_minutes", event),
        "can_request_minutes": user.is_authenticated and user.has_perm("events.request_minutes", event),
        "minutes": getattr(event, "minutes", None) if hasattr(event, "minutes") else None,
        "action_items": event.action_items.select_related("owner"),
        "rules": selectors.rules_touching(event),
        "interpretation": selectors.interpretation_demand(event) if event.interpretation_languages else [],
        "confirmed_count": event.registrations.filter(status=Registration.Status.CONFIRMED).count(),
    }
    if can_manage:
        search = RuleSearchForm(request.GET)
        query = search.cleaned_data["rule_q"] if search.is_valid() else ""
        context.update(
            warnings=selectors.agenda_warnings(event, agenda),
            # Two forms on one page: their fields need ids of their own.
            agenda_form=AgendaItemForm(auto_id="agenda_%s"),
            document_form=DocumentForm(auto_id="document_%s"),
            rule_search=search,
            rule_form=RuleForm(events=selectors.rule_candidates(event, query=query)),
            minutes_requests=event.minutes_requests.filter(
                status=MinutesAccessRequest.Status.PENDING
            ).select_related("user"),
        )
    return context


def event_ics_view(request, slug, event_id):
    event = selectors.event_for_user(request.user, slug, event_id)
    if event.earliest is None:
        raise Http404
    user = request.user if request.user.is_authenticated else None
    return _ics_response(
        event_calendar(event, for_user=user, language=get_language()), f"event-{event.pk}.ics"
    )


def space_ics_view(request, slug):
    space = space_for_user(request.user, slug, "spaces.view_space")
    events = list(space.events.select_related("space", "series"))
    with_logistics = selectors.logistics_visible_among(request.user, events)
    content = calendar_for(
        events,
        name=pick(space.title),
        language=get_language(),
        can_see_logistics=lambda e: e.pk in with_logistics,
    )
    return _ics_response(content, f"{space.slug}.ics")


def feed_view(request, token):
    """The private "my events" feed: the token is the key, so calendar apps need no login."""
    feed = CalendarFeed.objects.select_related("user").filter(token=token).first()
    if feed is None or not feed.user.is_active:
        raise Http404
    user = feed.user
    events = list(selectors.my_events(user).select_related("series"))
    with_logistics = selectors.logistics_visible_among(user, events)
    content = calendar_for(
        events,
        name=_("My Hiwar events"),
        language=user.preferred_language,
        can_see_logistics=lambda e: e.pk in with_logistics,
    )
    return HttpResponse(content, content_type="text/calendar; charset=utf-8")


@login_required
def my_events_view(request):
    if request.method == "POST" and request.POST.get("action") == "reset":
        services.calendar_feed_reset(user=request.user)
        messages.success(request, _("Your calendar address is replaced; the old one no longer works."))
        return redirect("events:mine")
    feed = services.calendar_feed_for(request.user)
    zone = _viewer_zone(request)
    registrations = selectors.my_registrations(request.user)
    return render(
        request,
        "events/mine.html",
        {
            "rows": [(r, event_when(r.event, zone, html=True)) for r in registrations],
            "feed_url": request.build_absolute_uri(reverse("calendar_feed", args=[feed.token])),
        },
    )


# Registration -----------------------------------------------------------------------------------------


@require_POST
def register_view(request, slug, event_id):
    if not request.user.is_authenticated:
        return redirect_to_login(f"/{get_language()}/spaces/{slug}/events/{event_id}/")
    event = selectors.event_for_user(request.user, slug, event_id)
    throttling.hit(request, "registration", request.user.pk)
    form = RegistrationForm(request.POST, event=event)
    if not form.is_valid():
        return render(request, "events/detail.html", _detail_context(request, event, registration_form=form))
    try:
        registration = services.register(event=event, user=request.user, answers=form.cleaned_data)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
        return redirect(event)
    texts = {
        Registration.Status.CONFIRMED: _(
            "You are registered. The confirmation with a calendar file is on its way."
        ),
        Registration.Status.WAITLISTED: _(
            "The event is full: you are on the waiting list and will be told if a seat frees up."
        ),
        Registration.Status.PENDING: _("Your registration waits for the organisers' approval."),
    }
    messages.success(request, texts[registration.status])
    return redirect(event)


@login_required
@require_POST
def unregister_view(request, slug, event_id):
    event = selectors.event_for_user(request.user, slug, event_id)
    registration = get_object_or_404(Registration, event=event, user=request.user)
    try:
        services.registration_cancel(registration=registration, actor=request.user)
        messages.success(request, _("Your registration is cancelled."))
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    return redirect(event)


@login_required
def attendance_view(request, slug, event_id):
    event = _organised_event(request, slug, event_id)
    if request.GET.get("print"):
        registrations = selectors.attendance(event, status=Registration.Status.CONFIRMED)
        return render(
            request,
            "events/attendance_print.html",
            {"space": event.space, "event": event, "registrations": registrations},
        )
    search = AttendanceSearchForm(request.GET)
    query = search.cleaned_data["q"] if search.is_valid() else ""
    page = Paginator(selectors.attendance(event, name=query), ATTENDANCE_PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    return render(
        request,
        "events/attendance.html",
        {
            "space": event.space,
            "event": event,
            "search": search,
            "query": query,
            "page": page,
            "registrations": page.object_list,
            "filters": {"q": query} if query else {},
        },
    )


@login_required
@require_POST
def registration_action_view(request, slug, event_id, registration_id):
    event = _organised_event(request, slug, event_id)
    registration = get_object_or_404(
        Registration.objects.select_related("user"), pk=registration_id, event=event
    )
    action = request.POST.get("action")
    try:
        if action in ("approve", "decline"):
            services.registration_decide(
                registration=registration, approve=action == "approve", actor=request.user
            )
        elif action in ("check_in", "undo_check_in"):
            services.check_in(registration=registration, actor=request.user, attended=action == "check_in")
        elif action == "cancel":
            services.registration_cancel(registration=registration, actor=request.user)
        else:
            raise ValidationError(_("Unknown action."))
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    return redirect(safe_next(request, f"/{get_language()}/spaces/{slug}/events/{event_id}/attendance/"))


# Agenda, documents, minutes, rules ---------------------------------------------------------------------


@login_required
@require_POST
def agenda_add_view(request, slug, event_id):
    event = _organised_event(request, slug, event_id)
    form = AgendaItemForm(request.POST)
    if form.is_valid():
        services.agenda_item_save(event=event, actor=request.user, **form.cleaned_data)
        messages.success(request, _("The agenda item is added."))
    else:
        for errors in form.errors.values():
            messages.error(request, " ".join(errors))
    return redirect(event)


@login_required
@require_POST
def agenda_delete_view(request, slug, event_id, item_id):
    event = _organised_event(request, slug, event_id)
    item = get_object_or_404(AgendaItem.objects.select_related("event__space"), pk=item_id, event=event)
    services.agenda_item_delete(item=item, actor=request.user)
    return redirect(event)


@login_required
@require_POST
def document_add_view(request, slug, event_id):
    event = _organised_event(request, slug, event_id)
    form = DocumentForm(request.POST, request.FILES)
    if form.is_valid():
        try:
            services.document_add(event=event, actor=request.user, **form.cleaned_data)
            messages.success(request, _("The document is added."))
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
    else:
        for errors in form.errors.values():
            messages.error(request, " ".join(errors))
    return redirect(event)


def document_view(request, slug, event_id, document_id):
    """Files are served only after the same check as the event page, so closed spaces leak no file."""
    event = selectors.event_for_user(request.user, slug, event_id)
    document = get_object_or_404(Document, pk=document_id, event=event)
    if not document.file:
        return redirect(document.url)
    return FileResponse(
        document.file.open("rb"), as_attachment=True, filename=document.file.name.rsplit("/", 1)[-1]
    )


@login_required
def minutes_edit_view(request, slug, event_id):
    event = _organised_event(request, slug, event_id)
    minutes = getattr(event, "minutes", None) if hasattr(event, "minutes") else None
    members = event.space.members.order_by("name")
    form = MinutesForm(
        request.POST or None,
        initial={
            "notes": minutes.notes if minutes else "",
            "decisions": "\n".join(minutes.decisions) if minutes else "",
        },
    )
    action_form = ActionItemForm(members=members, prefix="action")
    if request.method == "POST" and request.POST.get("form") == "action":
        action_form = ActionItemForm(request.POST, members=members, prefix="action")
        if action_form.is_valid():
            try:
                services.action_item_add(event=event, actor=request.user, **action_form.cleaned_data)
            except ValidationError as error:
                add_validation_error(action_form, error)
            else:
                messages.success(request, _("The action item is added."))
                return redirect("events:minutes", slug=slug, event_id=event.pk)
    elif request.method == "POST" and form.is_valid():
        services.minutes_save(
            event=event,
            actor=request.user,
            notes=form.cleaned_data["notes"],
            decisions=form.cleaned_data["decisions"].splitlines(),
        )
        messages.success(request, _("The minutes are saved."))
        return redirect(event)
    return render(
        request,
        "events/minutes_form.html",
        {
            "space": event.space,
            "event": event,
            "form": form,
            "action_form": action_form,
            "action_items": event.action_items.select_related("owner"),
            "carried_forward": selectors.carried_forward_actions(event),
        },
    )


@login_required
@require_POST
def action_item_status_view(request, slug, event_id, item_id):
    event = _organised_event(request, slug, event_id)
    item = get_object_or_404(ActionItem, pk=item_id, event__space=event.space)
    try:
        services.action_item_close(
            item=item, actor=request.user, status=request.POST.get("status", ""), in_event=event
        )
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    return redirect(safe_next(request, event.get_absolute_url()))


@login_required
@require_POST
def minutes_request_view(request, slug, event_id):
    event = selectors.event_for_user(request.user, slug, event_id)
    if not request.user.has_perm("events.request_minutes", event):
        raise PermissionDenied
    form = MinutesRequestForm(request.POST)
    if not form.is_valid():
        for errors in form.errors.values():
            messages.error(request, " ".join(errors))
        return redirect(event)
    try:
        services.minutes_access_request(event=event, user=request.user, reason=form.cleaned_data["reason"])
        messages.success(request, _("Your request is sent to the secretariat."))
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    return redirect(event)


@login_required
@require_POST
def minutes_request_decide_view(request, slug, event_id, request_id):
    event = _organised_event(request, slug, event_id)
    access = get_object_or_404(MinutesAccessRequest, pk=request_id, event=event)
    try:
        services.minutes_access_decide(
            request=access, grant=request.POST.get("decision") == "grant", actor=request.user
        )
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    return redirect(event)


@login_required
@require_POST
def rule_add_view(request, slug, event_id):
    event = _organised_event(request, slug, event_id)
    form = RuleForm(request.POST, events=event.space.events.exclude(pk=event.pk).select_related(None))
    if form.is_valid():
        try:
            services.rule_add(event=event, actor=request.user, **form.cleaned_data)
            messages.success(request, _("The rule is added."))
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
    else:
        for errors in form.errors.values():
            messages.error(request, " ".join(errors))
    return redirect(event)


# Announcements ---------------------------------------------------------------------------------------------


@login_required
def announce_view(request, slug):
    space = space_for_user(request.user, slug, "spaces.view_space")
    if not request.user.has_perm("spaces.manage_space", space):
        raise PermissionDenied
    event = None
    if raw_event := request.GET.get("event") or request.POST.get("event"):
        # A hand-edited ?event= is the 404 of an event that is not in this space, never a 500.
        event = get_object_or_404(Event, pk=parse_id(raw_event) or 0, space=space)
    form = AnnouncementForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        announcement = services.announcement_send(
            space=space, actor=request.user, event=event, **form.cleaned_data
        )
        messages.success(
            request,
            _("Queued for %(count)s people; the e-mails leave in the background.")
            % {"count": announcement.recipient_count},
        )
        return redirect("events:announce", slug=space.slug)
    return render(
        request,
        "events/announce.html",
        {
            "space": space,
            "form": form,
            "event": event,
            "sent": _with_delivery_counts(space.announcements.select_related("sent_by", "event")[:50]),
        },
    )


def _with_delivery_counts(announcements) -> list:
    announcements = list(announcements)
    counts = delivery_counts(f"announcement:{a.pk}" for a in announcements)
    for announcement in announcements:
        by_status = counts.get(f"announcement:{announcement.pk}", {})
        announcement.deliveries = {
            "sent": by_status.get("sent", 0),
            "pending": by_status.get("queued", 0) + by_status.get("sending", 0),
            "failed": by_status.get("failed", 0),
        }
    return announcements


@login_required
def announcement_preferences_view(request, slug):
    space = space_for_user(request.user, slug, "spaces.view_members")
    if request.method == "POST":
        receive = request.POST.get("receive") == "1"
        space_services.membership_set_announcements(space=space, user=request.user, receive=receive)
        messages.success(
            request,
            _("You will receive announcements.")
            if receive
            else _("You will no longer receive announcements."),
        )
        return redirect(space)
    membership = space.memberships.get(user=request.user)
    return render(request, "events/announcement_preferences.html", {"space": space, "membership": membership})

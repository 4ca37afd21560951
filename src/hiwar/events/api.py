"""Events in the API: the same visibility as the pages (selectors and permission names are shared)."""

from datetime import date, datetime

from django.core.paginator import Paginator
from django.urls import reverse
from django.utils.translation import get_language
from ninja import Field, Path, Query, Router, Schema

from hiwar.core.api import ERRORS, ERRORS_AND_404, PLAIN_TEXT, IsoDate
from hiwar.core.forms import MAX_ID
from hiwar.core.translation import pick
from hiwar.events import selectors
from hiwar.events.display import event_when
from hiwar.events.models import Event

router = Router(tags=["events"])
PAGE_SIZE = 50


class EventOut(Schema):
    id: int
    title: str
    titles: dict[str, str]
    kind: str
    format: str
    status: str
    space: str = Field(description="The space's slug.")
    space_title: str
    when: str = Field(description="The date in words, in the requested language.")
    precision: str
    start: datetime | None
    end: datetime | None
    timezone: str
    earliest: date | None = Field(description="First day the event can fall on (dates of limited precision).")
    latest: date | None
    registration: str
    capacity: int | None
    interpretation_languages: list[str]
    url: str
    ics_url: str | None


class EventDetailOut(EventOut):
    description: str
    venue: str | None = Field(description="Only for confirmed participants and organisers.")
    online_url: str | None = Field(description="Only for confirmed participants and organisers.")
    agenda: list[dict]
    series: int | None


class EventPage(Schema):
    count: int
    page: int
    pages: int
    results: list[EventOut]


def _event_out(event: Event) -> dict:
    slug = event.space.slug
    return {
        "id": event.pk,
        "title": pick(event.title),
        "titles": event.title,
        "kind": event.kind,
        "format": event.format,
        "status": event.status,
        "space": slug,
        "space_title": pick(event.space.title),
        "when": event_when(event)["main"],
        "precision": event.precision,
        "start": event.start,
        "end": event.end,
        "timezone": event.timezone,
        "earliest": event.earliest,
        "latest": event.latest,
        "registration": event.registration_mode,
        "capacity": event.capacity,
        "interpretation_languages": event.interpretation_languages,
        "url": reverse("events:detail", args=[slug, event.pk]),
        "ics_url": reverse("events:ics", args=[slug, event.pk]) if event.earliest else None,
    }


@router.get(
    "",
    response={200: EventPage, **ERRORS},
    summary="Events the caller may see, filtered as on the events page",
)
def list_events(
    request,
    space: str = Query("", max_length=100, pattern=PLAIN_TEXT),
    kind: str = Query("", max_length=50, pattern=PLAIN_TEXT),
    region: str = Query("", max_length=50, pattern=PLAIN_TEXT),
    language: str = Query("", max_length=20, pattern=PLAIN_TEXT),
    date_from: IsoDate | None = None,
    date_to: IsoDate | None = None,
    page: int = Query(1, ge=1, le=1_000_000),
):
    events = selectors.event_list(
        request.user,
        space=space,
        kind=kind,
        region=region,
        language=language,
        date_from=date_from,
        date_to=date_to,
    )
    paginator = Paginator(events, PAGE_SIZE)
    current = paginator.get_page(page)
    return {
        "count": paginator.count,
        "page": current.number,
        "pages": paginator.num_pages,
        "results": [_event_out(event) for event in current],
    }


@router.get(
    "/{event_id}",
    response={200: EventDetailOut, **ERRORS_AND_404},
    summary="One event (404 when it does not exist or is hidden)",
)
def get_event(request, event_id: int = Path(..., ge=1, le=MAX_ID)):
    event = selectors.event_for_user(request.user, None, event_id)
    logistics = request.user.has_perm("events.see_logistics", event)
    language = get_language()
    return _event_out(event) | {
        "description": pick(event.description, language),
        "venue": event.venue if logistics else None,
        "online_url": event.online_url if logistics else None,
        "series": event.series_id,
        "agenda": [
            {
                "kind": item.kind,
                "title": pick(item.title, language),
                "minutes": item.duration_minutes,
                "speakers": item.speakers,
            }
            for item in event.agenda.all()
        ],
    }

"""The HTTP API, /api/v1/ (OpenAPI at /api/v1/openapi.json, docs at /api/v1/docs).

Visibility is the pages' own: the same selectors and permission names, so the API never shows
what the page would hide. Errors come back as JSON: {"detail": "…"} in the caller's language.
"""

from django.http import Http404
from django.utils.translation import gettext as _
from ninja import NinjaAPI
from ninja.errors import HttpError, ValidationError

from hiwar.core.throttling import Throttled, throttled_response
from hiwar.events.api import router as events_router
from hiwar.spaces.api import router as spaces_router

api = NinjaAPI(
    title="Hiwar API",
    version="1",
    description="Spaces, phases and events of Hiwar; groups, contributions and commitments to come.",
    urls_namespace="api",
)


@api.exception_handler(Http404)
def not_found(request, exc):
    return api.create_response(request, {"detail": _("Not found.")}, status=404)


@api.exception_handler(ValidationError)
def invalid(request, exc):
    return api.create_response(
        request, {"detail": _("The request is not valid."), "errors": exc.errors}, status=422
    )


@api.exception_handler(HttpError)
def http_error(request, exc):
    return api.create_response(request, {"detail": str(exc)}, status=exc.status_code)


@api.exception_handler(Throttled)
def throttled(request, exc):
    return throttled_response(request, exc.retry_after)


api.add_router("/spaces", spaces_router)
api.add_router("/events", events_router)

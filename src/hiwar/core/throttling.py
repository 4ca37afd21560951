"""Throttling: how often one account, one e-mail address or one client address may try an action.

django-ratelimit keeps the counters in the default cache (settings.CACHES: Redis, or the shared
database), never in one process's memory, so a limit holds across gunicorn workers and servers.
The limits are settings.HIWAR_THROTTLE_RATES; a refused request gets HTTP 429 with Retry-After.
"""

import ipaddress
import math

from django.conf import settings
from django.http import HttpResponse, JsonResponse
from django.shortcuts import render
from django.utils.translation import ngettext
from django_ratelimit.core import get_usage
from django_ratelimit.exceptions import Ratelimited


class Throttled(Ratelimited):
    """Raised by a view; settings.RATELIMIT_VIEW (below) turns it into the 429 answer."""

    def __init__(self, retry_after: int):
        super().__init__()
        self.retry_after = max(1, int(retry_after))


def client_address(request) -> str:
    """The client's address, or its /64 network for IPv6 (one host there holds a whole /64).

    Behind a reverse proxy every request comes from the proxy, so HIWAR_CLIENT_IP_HEADER names the
    header the proxy sets; of a list (X-Forwarded-For) the last entry is the one our proxy saw.
    """
    header = settings.HIWAR_CLIENT_IP_HEADER
    raw = (request.META.get(header, "") if header else "") or request.META.get("REMOTE_ADDR", "")
    raw = raw.split(",")[-1].strip()
    try:
        address = ipaddress.ip_address(raw)
    except ValueError:
        return raw or "unknown"
    if address.version == 6:
        return str(ipaddress.ip_network(f"{address}/64", strict=False).network_address)
    return str(address)


def _usage(request, action: str, value: str, *, increment: bool) -> dict | None:
    return get_usage(
        request,
        group=f"hiwar.{action}",
        key=lambda _group, _request: value,
        rate=settings.HIWAR_THROTTLE_RATES[action],
        increment=increment,
    )


def hit(request, action: str, value) -> None:
    """Count one attempt at `action` by `value`; refuse the attempts past the limit."""
    usage = _usage(request, action, str(value), increment=True)
    if usage is not None and usage["should_limit"]:
        raise Throttled(usage["time_left"])


def refuse_if_spent(request, action: str, value) -> None:
    """Refuse, without counting, when `value` has no attempt left (sign-in counts only failures)."""
    usage = _usage(request, action, str(value), increment=False)
    if usage is not None and usage["count"] >= usage["limit"]:
        raise Throttled(usage["time_left"])


def throttled_response(request, retry_after: int) -> HttpResponse:
    minutes = max(1, math.ceil(retry_after / 60))
    message = ngettext(
        "Too many attempts. Try again in %(count)d minute.",
        "Too many attempts. Try again in %(count)d minutes.",
        minutes,
    ) % {"count": minutes}
    if request.path_info.startswith("/api/"):
        response = JsonResponse({"detail": message}, status=429)
    else:
        response = render(request, "429.html", {"message": message}, status=429)
    response["Retry-After"] = str(retry_after)
    return response


def throttled_view(request, exception) -> HttpResponse:
    """settings.RATELIMIT_VIEW: django-ratelimit's middleware calls it for a Throttled exception."""
    return throttled_response(request, getattr(exception, "retry_after", 60))

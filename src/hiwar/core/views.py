from datetime import UTC, datetime

from django.conf import settings
from django.contrib.auth.decorators import user_passes_test
from django.db import connection
from django.http import HttpResponseBadRequest, HttpResponseServerError, JsonResponse
from django.shortcuts import render
from django.template import loader


def healthz(request):
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
    return JsonResponse({"status": "ok"})


# Error pages (handler400/403/404/500 in hiwar/urls.py): translated, in the site's layout, never
# Django's technical pages. The language is the one LocaleMiddleware activated for the request.


def bad_request(request, exception=None):
    # Often a bad session cookie or host: rendered without the request, so nothing reads the session.
    return HttpResponseBadRequest(loader.render_to_string("400.html"))


def permission_denied(request, exception=None):
    return render(request, "403.html", status=403)


def not_found(request, exception=None):
    return render(request, "404.html", status=404)


def server_error(request):
    # No request context: the session, the user and the database may be what failed.
    try:
        body = loader.render_to_string("500.html")
    except Exception:  # the page itself failed (a missing static manifest…): a bare page still answers
        body = "<!doctype html><title>500</title><h1>Server error (500)</h1>"
    return HttpResponseServerError(body)


@user_passes_test(lambda user: user.is_active and user.is_superuser)
def backups_view(request):
    """Administrators see the archives `hiwar backup` and the worker wrote, newest first."""
    from hiwar.core.backup import list_backups

    rows = [
        {
            "name": path.name,
            "size": path.stat().st_size,
            "when": datetime.fromtimestamp(path.stat().st_mtime, UTC),
        }
        for path in list_backups()
    ]
    return render(
        request,
        "core/backups.html",
        {"backups": rows, "folder": settings.HIWAR_BACKUP_DIR, "keep": settings.HIWAR_BACKUP_KEEP,
         "every": round(settings.HIWAR_BACKUP_EVERY_HOURS)},
    )  # fmt: skip

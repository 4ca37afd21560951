"""The site's URLs plus views that fail, to see the error pages a real failure shows."""

from django.conf.urls.i18n import i18n_patterns
from django.core.exceptions import PermissionDenied, SuspiciousOperation
from django.urls import path

from hiwar.urls import handler400, handler403, handler404, handler500  # noqa: F401
from hiwar.urls import urlpatterns as site_urlpatterns


def broken(request):
    raise RuntimeError("a bug")


def forbidden(request):
    raise PermissionDenied


def suspicious(request):
    raise SuspiciousOperation("a forged request")


urlpatterns = [
    *site_urlpatterns,
    *i18n_patterns(
        path("broken/", broken),
        path("forbidden/", forbidden),
        path("suspicious/", suspicious),
        prefix_default_language=True,
    ),
]

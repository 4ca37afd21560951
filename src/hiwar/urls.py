from django.conf import settings
from django.conf.urls.i18n import i18n_patterns
from django.contrib import admin
from django.urls import include, path
from django.views.generic import RedirectView
from django.views.i18n import set_language

from hiwar.accounts import views as account_views
from hiwar.api import api
from hiwar.core import views as core_views
from hiwar.events import views as event_views
from hiwar.spaces import views as space_views

urlpatterns = [
    path("api/v1/", api.urls),
    path("i18n/setlang/", set_language, name="set_language"),
    path("healthz", core_views.healthz, name="healthz"),
    # The private "my events" feed: calendar programs fetch it without a language prefix or a login.
    path("calendar/<str:token>.ics", event_views.feed_view, name="calendar_feed"),
    path("favicon.ico", RedirectView.as_view(url=settings.STATIC_URL + "hiwar/favicon.svg", permanent=True)),
]

# Every page lives under a language prefix: /ar/… (the default; `/` redirects there), /en/, /fr/…
urlpatterns += i18n_patterns(
    path("", space_views.home_view, name="home"),
    path("accounts/", include("hiwar.accounts.urls")),
    path("spaces/", include("hiwar.spaces.urls")),
    path("", include("hiwar.events.urls")),
    path("", include("hiwar.grouping.urls")),
    path("admin/login/", account_views.admin_sign_in),  # before the admin's own, to throttle it
    path("admin/backups/", core_views.backups_view, name="backups"),
    path("admin/", admin.site.urls),
    prefix_default_language=True,
)

handler400 = "hiwar.core.views.bad_request"
handler403 = "hiwar.core.views.permission_denied"
handler404 = "hiwar.core.views.not_found"
handler500 = "hiwar.core.views.server_error"

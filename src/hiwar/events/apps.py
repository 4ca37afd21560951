from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class EventsConfig(AppConfig):
    name = "hiwar.events"
    label = "events"
    verbose_name = _("Events")

    def ready(self):
        from hiwar.events import rules  # noqa: F401  (registers the permissions)

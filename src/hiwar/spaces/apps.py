from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SpacesConfig(AppConfig):
    name = "hiwar.spaces"
    label = "spaces"
    verbose_name = _("Spaces")

    def ready(self):
        from hiwar.spaces import rules  # noqa: F401  (registers the permissions)

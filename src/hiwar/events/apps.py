from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class EventsConfig(AppConfig):
    name = "hiwar.events"
    label = "events"
    verbose_name = _("Events")

    def ready(self):
        from hiwar.events import rules  # noqa: F401  (registers the permissions)
        from hiwar.spaces.signals import (
            blueprint_applied,
            blueprint_meetings_wanted,
            membership_ended,
            membership_role_changed,
            visibility_changed,
        )

        membership_ended.connect(_after_membership_ended, dispatch_uid="events.membership_ended")
        visibility_changed.connect(_after_visibility_changed, dispatch_uid="events.visibility_changed")
        membership_role_changed.connect(_after_role_changed, dispatch_uid="events.membership_role_changed")
        blueprint_applied.connect(_after_blueprint_applied, dispatch_uid="events.blueprint_applied")
        blueprint_meetings_wanted.connect(_template_meetings, dispatch_uid="events.blueprint_meetings")


def _after_membership_ended(sender, *, space, user, actor, **kwargs):
    from hiwar.events.services import registrations_after_leaving

    registrations_after_leaving(space=space, user=user, actor=actor)


def _after_visibility_changed(sender, *, space, actor, **kwargs):
    from hiwar.events.services import reconcile_space

    reconcile_space(space, actor=actor)


def _after_role_changed(sender, *, space, user, actor, **kwargs):
    from hiwar.events.services import reconcile_space

    reconcile_space(space, actor=actor, registrant=user)


def _after_blueprint_applied(sender, *, space, meetings, **kwargs):
    from hiwar.events.services import template_meetings_create

    template_meetings_create(space=space, meetings=meetings)


def _template_meetings(sender, *, space, **kwargs):
    from hiwar.events.selectors import template_meetings_of

    return template_meetings_of(space)

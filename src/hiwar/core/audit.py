from dataclasses import dataclass, field

from django.apps import apps
from django.core.exceptions import FieldDoesNotExist
from django.utils.text import capfirst
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from hiwar.core.models import AuditEntry


def audit(*, actor, action: str, space=None, target: str = "", **data) -> AuditEntry:
    """Record a change; call inside the service's transaction so both land or neither."""
    if actor is not None and not getattr(actor, "is_authenticated", False):
        actor = None
    return AuditEntry.objects.create(actor=actor, action=action, space=space, target=target[:255], data=data)


# How the audit log page names the details that services record (the keyword arguments of audit()).
DETAIL_LABELS = {
    "template": _("Template"),
    "role": _("Role"),
    "old": _("Before"),
    "new": _("After"),
    "rule": _("Repeats"),
    "count": _("Number"),
    "promoted": _("Moved up from the waiting list"),
    "cancelled": _("Cancelled"),
    "status": _("Status"),
    "attended": _("Attended"),
    "recipients": _("Recipients"),
    "holder": _("Holder"),
    "tables": _("Tables"),
    "people": _("People"),
    "table": _("Table"),
    "pair": _("People concerned"),
    "to": _("Sent to"),
    "changes": _("Changes"),
}

# The model whose field names and choices explain an action's details ("phase.update" → Phase).
_MODEL_OF_ACTION = {
    "space": ("spaces", "Space"),
    "phase": ("spaces", "Phase"),
    "membership": ("spaces", "Membership"),
    "invitation": ("spaces", "Membership"),
    "event": ("events", "Event"),
    "registration": ("events", "Registration"),
}
# Details that hold a value of one of the model's fields: (action, detail) → field.
_FIELD_OF_DETAIL = {
    ("space.visibility", "old"): "visibility",
    ("space.visibility", "new"): "visibility",
    ("membership.role", "old"): "role",
    ("membership.role", "new"): "role",
    ("membership.add", "role"): "role",
    ("membership.remove", "role"): "role",
    ("membership.leave", "role"): "role",
    ("invitation.create", "role"): "role",
    ("registration.approve", "status"): "status",
    ("registration.decline", "status"): "status",
}


@dataclass
class Detail:
    label: str
    value: str = ""
    changes: list["Detail"] = field(default_factory=list)


def _model_field(action: str, name: str):
    app_model = _MODEL_OF_ACTION.get(action.split(".", 1)[0])
    if app_model is None:
        return None
    try:
        return apps.get_model(*app_model)._meta.get_field(name)
    except (LookupError, FieldDoesNotExist):
        return None


def _value(value, model_field=None) -> str:
    if value is None or value == "":
        return "—"
    if isinstance(value, bool):
        return gettext("Yes") if value else gettext("No")
    if isinstance(value, list | tuple):
        return ", ".join(_value(item, model_field) for item in value)
    if model_field is not None and model_field.choices:
        return str(dict(model_field.flatchoices).get(value, value))
    return str(value)


def _field_label(action: str, name: str) -> str:
    model_field = _model_field(action, name)
    if model_field is not None:
        return capfirst(str(model_field.verbose_name))
    return str(DETAIL_LABELS.get(name, name))


def audit_details(entry: AuditEntry) -> list[Detail]:
    """An entry's recorded details, named and worded for people (the raw data stays in the admin)."""
    details = []
    for name, value in (entry.data or {}).items():
        label = str(DETAIL_LABELS.get(name, name))
        if name == "changes" and isinstance(value, dict):
            changes = []
            for field_name, change in value.items():
                model_field = _model_field(entry.action, field_name)
                if isinstance(change, list | tuple) and len(change) == 2:
                    text = gettext("%(old)s, now %(new)s") % {
                        "old": _value(change[0], model_field),
                        "new": _value(change[1], model_field),
                    }
                else:
                    text = _value(change, model_field)
                changes.append(Detail(label=_field_label(entry.action, field_name), value=text))
            details.append(Detail(label=label, changes=changes))
            continue
        field_name = _FIELD_OF_DETAIL.get((entry.action, name))
        model_field = _model_field(entry.action, field_name) if field_name else None
        details.append(Detail(label=label, value=_value(value, model_field)))
    return details

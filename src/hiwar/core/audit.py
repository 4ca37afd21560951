from hiwar.core.models import AuditEntry


def audit(*, actor, action: str, space=None, target: str = "", **data) -> AuditEntry:
    """Record a change; call inside the service's transaction so both land or neither."""
    if actor is not None and not getattr(actor, "is_authenticated", False):
        actor = None
    return AuditEntry.objects.create(actor=actor, action=action, space=space, target=target[:255], data=data)

from django.utils import timezone
from django_tasks import task


@task()
def compose_tables(composition_id: int, actor_id: int | None) -> bool:
    """Compose in the background what is too large for a request; the page polls the state.

    Runs again if its worker died ("running" then): composing twice gives the same tables for a seed.
    """
    from django.contrib.auth import get_user_model

    from hiwar.grouping import services
    from hiwar.grouping.models import Composition

    composition = Composition.objects.select_related("event").filter(pk=composition_id).first()
    if composition is None or composition.job_state not in ("queued", "running"):
        return False
    Composition.objects.filter(pk=composition_id).update(job_state="running", job_started_at=timezone.now())
    actor = get_user_model().objects.filter(pk=actor_id).first() if actor_id else None
    try:
        services.compose(event=composition.event, actor=actor, **composition.job_params)
    except Exception as error:  # the convenor must see why, whatever it was
        message = " ".join(getattr(error, "messages", [str(error)]))
        Composition.objects.filter(pk=composition_id).update(job_state="failed", job_error=message)
        return False
    Composition.objects.filter(pk=composition_id).update(job_state="", job_error="", job_params={})
    return True

"""E-mails of a space as their managers see them: what is queued, sent, or failed and why."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.db.models import Case, IntegerField, Value, When
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from hiwar.core.emails import retry_failed_deliveries, retryable_deliveries
from hiwar.core.models import EmailDelivery
from hiwar.spaces.selectors import space_for_user


def _managed_space(request, slug):
    space = space_for_user(request.user, slug, "spaces.view_space")
    if not request.user.has_perm("spaces.manage_space", space):
        raise Http404
    return space


@login_required
def deliveries_view(request, slug):
    space = _managed_space(request, slug)
    status = request.GET.get("status", "")
    deliveries = EmailDelivery.objects.filter(space=space).defer("body", "attachments")
    if status in EmailDelivery.Status.values:
        deliveries = deliveries.filter(status=status)
    else:
        status = ""
    # Failures first: they are what a manager comes here for.
    failed_first = Case(
        When(status=EmailDelivery.Status.FAILED, then=Value(0)), default=Value(1), output_field=IntegerField()
    )
    page = Paginator(deliveries.order_by(failed_first, "-created_at", "-id"), 50).get_page(
        request.GET.get("page")
    )
    failed_count = retryable_deliveries(space).count()
    return render(
        request,
        "spaces/deliveries.html",
        {
            "space": space,
            "page": page,
            "filters": {"status": status},
            "status": status,
            "statuses": EmailDelivery.Status.choices,
            "failed_count": failed_count,
        },
    )


@login_required
@require_POST
def deliveries_retry_view(request, slug):
    space = _managed_space(request, slug)
    count = retry_failed_deliveries(space=space, actor=request.user)
    messages.success(request, _("%(count)s e-mail(s) queued again.") % {"count": count})
    return redirect("spaces:deliveries", slug=space.slug)

"""The event page's "your table" panel, kept in the grouping app so events need not know about tables."""

from django import template

from hiwar.grouping.models import Composition
from hiwar.grouping.selectors import my_table

register = template.Library()


@register.inclusion_tag("grouping/_my_table.html", takes_context=True)
def my_table_panel(context, event):
    user = context["request"].user
    composition = Composition.objects.filter(event=event).first()
    return {"mine": my_table(composition, user), "event": event}

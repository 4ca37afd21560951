"""What other apps may need to act on, sent by the spaces services inside their transaction.

Spaces know nothing of events; events listen (events/apps.py) and, e.g., give the places of someone
who left a space at its coming events to the people waiting.
"""

from django.dispatch import Signal

# space, user, actor: a membership ended (left or removed).
membership_ended = Signal()
# space, user, actor, old, new: a member's role changed (a facilitator takes no seat at a dialogue).
membership_role_changed = Signal()
# space, actor, old, new: who may see the space's content changed.
visibility_changed = Signal()
# space, meetings: a template was applied; its recurring meetings (template specs) are to be made.
blueprint_applied = Signal()
# space: a space is being saved as a template; receivers return the template's `meetings` specs.
blueprint_meetings_wanted = Signal()

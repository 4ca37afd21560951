"""Named permissions of spaces; views, the API and tests all use these names."""

import rules

from hiwar.spaces.access import can_know_space, can_view_space
from hiwar.spaces.predicates import (
    is_lead,
    is_manager,
    is_member,
    is_members_only,
    is_public,
    is_site_admin,
    is_verified,
)

# A closed space does not exist for outsiders; a members-only space shows its title and lets people ask to join.
# Both rules are defined in spaces/access.py beside the querysets that list what they allow.
rules.add_perm("spaces.see_space", can_know_space)
rules.add_perm("spaces.view_space", can_view_space)
rules.add_perm("spaces.view_members", is_member | is_site_admin)
rules.add_perm("spaces.manage_space", is_manager | is_site_admin)
rules.add_perm("spaces.update_progress", is_lead | is_site_admin)
rules.add_perm("spaces.request_join", is_verified & is_members_only & ~is_member)
rules.add_perm("spaces.join_public", is_verified & is_public & ~is_member)
rules.add_perm("spaces.leave_space", is_member)
rules.add_perm("spaces.view_audit_log", is_manager | is_site_admin)
rules.add_perm("spaces.create_space", is_verified)

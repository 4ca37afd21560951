from django.urls import path

from hiwar.spaces import delivery_views, views

app_name = "spaces"

urlpatterns = [
    path("", views.space_list_view, name="list"),
    path("new/", views.space_create_view, name="create"),
    path("invitation/<str:token>/", views.invitation_view, name="invitation"),
    path("<slug:slug>/", views.space_detail_view, name="detail"),
    path("<slug:slug>/edit/", views.space_edit_view, name="edit"),
    path("<slug:slug>/members/", views.members_view, name="members"),
    path("<slug:slug>/members/invite/", views.invite_view, name="invite"),
    path("<slug:slug>/members/<int:membership_id>/", views.membership_edit_view, name="membership"),
    path(
        "<slug:slug>/invitations/<int:invitation_id>/revoke/",
        views.invitation_revoke_view,
        name="invitation_revoke",
    ),
    path("<slug:slug>/requests/<int:request_id>/", views.join_request_decide_view, name="join_request"),
    path("<slug:slug>/join/", views.join_view, name="join"),
    path("<slug:slug>/leave/", views.leave_view, name="leave"),
    path("<slug:slug>/template.yaml", views.template_export_view, name="template_export"),
    path("<slug:slug>/phases/new/", views.phase_add_view, name="phase_add"),
    path("<slug:slug>/phases/<int:phase_id>/", views.phase_view, name="phase"),
    path("<slug:slug>/phases/<int:phase_id>/edit/", views.phase_edit_view, name="phase_edit"),
    path("<slug:slug>/phases/<int:phase_id>/remove/", views.phase_remove_view, name="phase_remove"),
    path("<slug:slug>/phases/<int:pk>/move/", views.part_move_view, {"part": "phase"}, name="phase_move"),
    path("<slug:slug>/phases/<int:phase_id>/items/new/", views.checklist_item_add_view, name="item_add"),
    path("<slug:slug>/items/<int:item_id>/", views.checklist_item_view, name="item"),
    path("<slug:slug>/items/<int:pk>/move/", views.part_move_view, {"part": "item"}, name="item_move"),
    path("<slug:slug>/items/<int:pk>/remove/", views.part_remove_view, {"part": "item"}, name="item_remove"),
    path("<slug:slug>/phases/<int:phase_id>/outputs/new/", views.output_add_view, name="output_add"),
    path("<slug:slug>/outputs/<int:output_id>/", views.output_view, name="output"),
    path("<slug:slug>/outputs/<int:pk>/move/", views.part_move_view, {"part": "output"}, name="output_move"),
    path(
        "<slug:slug>/outputs/<int:pk>/remove/",
        views.part_remove_view,
        {"part": "output"},
        name="output_remove",
    ),
    path("<slug:slug>/seats/new/", views.seat_add_view, name="seat_add"),
    path("<slug:slug>/seats/<int:seat_id>/", views.seat_view, name="seat"),
    path("<slug:slug>/seats/<int:pk>/move/", views.part_move_view, {"part": "seat"}, name="seat_move"),
    path("<slug:slug>/seats/<int:pk>/remove/", views.part_remove_view, {"part": "seat"}, name="seat_remove"),
    path("<slug:slug>/audit/", views.audit_view, name="audit"),
    path("<slug:slug>/emails/", delivery_views.deliveries_view, name="deliveries"),
    path("<slug:slug>/emails/retry/", delivery_views.deliveries_retry_view, name="deliveries_retry"),
]

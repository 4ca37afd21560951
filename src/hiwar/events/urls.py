from django.urls import path

from hiwar.events import views

app_name = "events"

E = "spaces/<slug:slug>/events/<int:event_id>/"

urlpatterns = [
    path("events/", views.event_list_view, name="list"),
    path("events/mine/", views.my_events_view, name="mine"),
    path("spaces/<slug:slug>/events/", views.space_events_view, name="space_events"),
    path("spaces/<slug:slug>/events.ics", views.space_ics_view, name="space_ics"),
    path("spaces/<slug:slug>/events/new/", views.event_create_view, name="create"),
    path("spaces/<slug:slug>/events/series/new/", views.series_create_view, name="series_create"),
    path("spaces/<slug:slug>/timeline/", views.timeline_view, name="timeline"),
    path("spaces/<slug:slug>/announce/", views.announce_view, name="announce"),
    path(
        "spaces/<slug:slug>/announcements/preferences/",
        views.announcement_preferences_view,
        name="announcement_preferences",
    ),
    path(E, views.event_detail_view, name="detail"),
    path(E + "edit/", views.event_edit_view, name="edit"),
    path(E + "cancel/", views.event_cancel_view, name="cancel"),
    path(E + "event.ics", views.event_ics_view, name="ics"),
    path(E + "register/", views.register_view, name="register"),
    path(E + "unregister/", views.unregister_view, name="unregister"),
    path(E + "attendance/", views.attendance_view, name="attendance"),
    path(
        E + "registrations/<int:registration_id>/", views.registration_action_view, name="registration_action"
    ),
    path(E + "agenda/", views.agenda_add_view, name="agenda_add"),
    path(E + "agenda/<int:item_id>/delete/", views.agenda_delete_view, name="agenda_delete"),
    path(E + "documents/", views.document_add_view, name="document_add"),
    path(E + "documents/<int:document_id>/", views.document_view, name="document"),
    path(E + "minutes/", views.minutes_edit_view, name="minutes"),
    path(E + "minutes/request/", views.minutes_request_view, name="minutes_request"),
    path(
        E + "minutes/requests/<int:request_id>/",
        views.minutes_request_decide_view,
        name="minutes_request_decide",
    ),
    path(E + "actions/<int:item_id>/", views.action_item_status_view, name="action_status"),
    path(E + "rules/", views.rule_add_view, name="rule_add"),
]

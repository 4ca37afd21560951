from django.urls import path

from hiwar.grouping import views

app_name = "grouping"

E = "spaces/<slug:slug>/events/<int:event_id>/tables/"

urlpatterns = [
    path(E, views.tables_view, name="tables"),
    path(E + "move/", views.move_view, name="move"),
    path(E + "together/", views.keep_together_view, name="together"),
    path(E + "<int:number>/lock/", views.lock_view, name="lock"),
    path(E + "publish/", views.publish_view, name="publish"),
    path(E + "reseat/", views.reseat_view, name="reseat"),
    path(E + "tables.csv", views.export_csv_view, name="csv"),
    path(E + "tables.pdf", views.export_pdf_view, name="pdf"),
]

"""The status timeline's pages, under a person's address (/persons/<number>/status/...)."""

from django.urls import path

from panah.status import views

app_name = "status"
urlpatterns = [
    path("<str:number>/status/new/", views.record_event, name="record_event"),
    path("<str:number>/status/<int:event_id>/correct/", views.correct_event, name="correct_event"),
]

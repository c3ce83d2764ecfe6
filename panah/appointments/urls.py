from django.urls import path

from panah.appointments import views

app_name = "appointments"
urlpatterns = [
    path("", views.calendar, name="calendar"),
    path("case/<int:pk>/new/", views.new, name="new"),
    path("<int:pk>/move/", views.move, name="move"),
    path("<int:pk>/cancel/", views.cancel, name="cancel"),
    path("feed/", views.feed, name="feed"),
    path("feed/<str:secret>.ics", views.ics_feed, name="ics"),
]

from django.urls import path

from panah.alerts import views

app_name = "alerts"
urlpatterns = [
    path("preferences/", views.preferences, name="preferences"),
    path("caseload/", views.caseload, name="caseload"),
]

from django.urls import path

from panah.imports import views

app_name = "imports"
urlpatterns = [
    path("", views.upload, name="upload"),
    path("household-registration.xlsx", views.household_form, name="household_form"),
    path("<int:pk>/", views.run_detail, name="run"),
    path("<int:pk>/report.xlsx", views.run_report, name="report"),
    path("<int:pk>/read/", views.read_again, name="read"),
    path("<int:pk>/mapping.json", views.run_mapping_file, name="mapping"),
    path("<int:pk>/import/", views.import_now, name="import_now"),
]

from django.urls import path

from panah.evidence import views

app_name = "evidence"

urlpatterns = [
    path("person/<str:number>/new/", views.upload_to_person, name="person_upload"),
    path("case/<int:pk>/new/", views.upload_to_case, name="case_upload"),
    path("<int:pk>/", views.download, name="download"),
    path("<int:pk>/remove/", views.remove, name="remove"),
]

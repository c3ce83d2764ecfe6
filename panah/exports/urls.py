from django.urls import path

from panah.exports import views

app_name = "exports"
urlpatterns = [
    path("persons/", views.persons, name="persons"),
    path("person/<str:number>/", views.subject_access, name="subject_access"),
]

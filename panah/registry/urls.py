from django.urls import path

from panah.registry import views

app_name = "registry"
urlpatterns = [
    path("", views.person_list, name="list"),
    path("search/", views.search, name="search"),
    path("new/", views.person_register, name="register"),
    path("new/check/", views.register_check, name="register_check"),
    path("<str:number>/", views.person_detail, name="person"),
    path("<str:number>/edit/", views.person_edit, name="edit"),
    path("<str:number>/documents/new/", views.add_document, name="add_document"),
    path("<str:number>/addresses/new/", views.move, name="move"),
    path("<str:number>/needs/new/", views.add_specific_need, name="add_specific_need"),
    path("<str:number>/household/", views.join_household, name="join_household"),
]

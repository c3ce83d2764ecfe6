from django.urls import path

from panah.knowledge import views

app_name = "knowledge"
urlpatterns = [
    path("", views.home, name="home"),
    path("search/", views.search, name="search"),
    path("updates/", views.latest_updates, name="updates"),
    path("subscriptions/", views.subscriptions, name="subscriptions"),
    path("articles/new/", views.article_new, name="article_new"),
    path("articles/<slug:slug>/", views.article_detail, name="article"),
    path("articles/<slug:slug>/update/", views.article_update, name="article_update"),
    path("trainings/", views.training_list, name="trainings"),
    path("trainings/new/", views.training_new, name="training_new"),
    path("trainings/reports/", views.training_reports, name="training_reports"),
    path("trainings/<int:pk>/", views.training_detail, name="training"),
    path("trainings/<int:pk>/participants/", views.add_participant, name="add_participant"),
    path("trainings/<int:pk>/participants/import/", views.import_participants, name="import_participants"),
    path("projects/", views.project_list, name="projects"),
    path("leaflets/", views.leaflet_list, name="leaflets"),
    path("leaflets/<slug:slug>/<str:language>/", views.leaflet_detail, name="leaflet"),
    path("persons/<str:number>/", views.person_shared, name="person_shared"),
    path("shared/<int:pk>/handout/", views.handout, name="handout"),
]

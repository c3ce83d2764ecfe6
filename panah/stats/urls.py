from django.urls import path

from panah.stats import views

app_name = "stats"
urlpatterns = [
    path("", views.dashboard, name="dashboard"),
    path("download.csv", views.download_csv, name="download_csv"),
    path("download.xlsx", views.download_xlsx, name="download_xlsx"),
    path("releases/", views.release_list, name="releases"),
    path("rebuild/", views.rebuild_index, name="rebuild"),
    path("releases/<str:reference>/", views.release_detail, name="release"),
    path("releases/<str:reference>/download.csv", views.release_csv, name="release_csv"),
    path("releases/<str:reference>/download.xlsx", views.release_xlsx, name="release_xlsx"),
]

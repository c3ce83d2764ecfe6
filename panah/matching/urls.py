from django.urls import path

from panah.matching import views

app_name = "matching"
urlpatterns = [
    path("", views.queue, name="queue"),
    path("run/", views.run_batch, name="run_batch"),
    path("<int:pk>/", views.pair_detail, name="pair"),
    path("<int:pk>/decide/", views.decide, name="decide"),
    path("<int:pk>/merge/", views.merge, name="merge"),
    path("merges/<int:pk>/", views.merge_detail, name="merge_detail"),
]

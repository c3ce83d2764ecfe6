from django.urls import path

from panah.jobs import views

app_name = "jobs"
urlpatterns = [path("<int:pk>/", views.job_detail, name="job")]

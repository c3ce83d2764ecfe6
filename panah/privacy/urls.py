from django.urls import path

from panah.privacy import views

app_name = "privacy"
urlpatterns = [
    path("", views.request_list, name="requests"),
    path("person/<str:number>/new/", views.request_new, name="request_new"),
    path("requests/<int:pk>/", views.request_detail, name="request"),
    path("requests/<int:pk>/anonymise/", views.anonymise, name="anonymise"),
    path("agreements/", views.agreements, name="agreements"),
    path("retention/", views.retention_rules, name="retention"),
    path("retention/apply/", views.retention_apply, name="retention_apply"),
]

from django.urls import path

from panah.notices import views

app_name = "notices"
urlpatterns = [
    path("notices/case/<int:pk>/<int:event>/", views.case_notice, name="case_notice"),
    path("notices/case/<int:pk>/revoke/", views.revoke, name="revoke"),
    path("notices/person/<str:number>/", views.registration_certificate, name="registration_certificate"),
    path("verify/", views.verify_form, name="verify_form"),
    path("verify/key", views.public_key, name="public_key"),
    path("verify/<str:code>/", views.verify, name="verify"),
]

from django.urls import path

from panah.accounts import views

app_name = "accounts"

urlpatterns = [
    path("otp/enrol/", views.otp_enrol, name="otp_enrol"),
    path("otp/verify/", views.otp_verify, name="otp_verify"),
    path("otp/recovery-codes/", views.recovery_codes, name="recovery_codes"),
    path("security/", views.security, name="security"),
    path("password/", views.password_change, name="password_change"),
    path("sessions/<int:pk>/end/", views.end_own_session, name="end_own_session"),
    path("users/", views.user_list, name="user_list"),
    path("users/new/", views.user_new, name="user_new"),
    path("users/<int:pk>/memberships/", views.user_membership, name="user_membership"),
    path("users/<int:pk>/memberships/<int:membership_pk>/end/", views.user_end_membership, name="user_end_membership"),
    path("users/<int:pk>/", views.user_detail, name="user_detail"),
    path("users/<int:pk>/password/", views.user_password, name="user_password"),
    path("users/<int:pk>/deactivate/", views.user_deactivate, name="user_deactivate"),
    path("users/<int:pk>/reactivate/", views.user_reactivate, name="user_reactivate"),
    path("users/<int:pk>/second-factor/reset/", views.user_reset_second_factor, name="user_reset_second_factor"),
    path("users/<int:pk>/sessions/<int:session_pk>/end/", views.user_end_session, name="user_end_session"),
]

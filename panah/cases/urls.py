from django.urls import path

from panah.cases import referral_views, views

app_name = "cases"
urlpatterns = [
    path("", views.worklist, name="worklist"),
    path("regions/", views.overview, name="overview"),
    path("births/", views.births, name="births"),
    path("eligible/", views.eligible, name="eligible"),
    path("person/<str:number>/", views.eligibility, name="eligibility"),
    path("person/<str:number>/new/", views.open_case, name="open"),
    path("person/<str:number>/refer/", referral_views.refer, name="refer"),
    path("referrals/", referral_views.inbox, name="referrals"),
    path("referrals/<int:pk>/", referral_views.referral, name="referral"),
    path("referrals/<int:pk>/step/", referral_views.referral_step, name="referral_step"),
    path("referrals/<int:pk>/services/", referral_views.referral_service, name="referral_service"),
    path("<int:pk>/", views.case_detail, name="case"),
    path("<int:pk>/step/", views.transition, name="transition"),
    path("<int:pk>/notes/", views.note, name="note"),
    path("<int:pk>/tasks/", views.task, name="task"),
    path("<int:pk>/tasks/<int:task_id>/done/", views.task_done, name="task_done"),
    path("<int:pk>/transfer/", views.transfer, name="transfer"),
    path("<int:pk>/assign/", views.assign, name="assign"),
    path("<int:pk>/obstacles/", views.obstacle, name="obstacle"),
    path("<int:pk>/obstacles/<int:obstacle_id>/resolved/", views.obstacle_resolved, name="obstacle_resolved"),
]

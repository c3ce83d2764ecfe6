from django.urls import path

from panah.cases import views

app_name = "cases"
urlpatterns = [
    path("", views.worklist, name="worklist"),
    path("regions/", views.overview, name="overview"),
    path("births/", views.births, name="births"),
    path("eligible/", views.eligible, name="eligible"),
    path("person/<str:number>/", views.eligibility, name="eligibility"),
    path("person/<str:number>/new/", views.open_case, name="open"),
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

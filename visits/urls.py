from django.urls import path

from visits import views

app_name = "visits"

urlpatterns = [
    *views.visits.urls(),
    path("visits/<int:pk>/members/add/", views.member_add, name="visit-member-add"),
    path("visits/<int:pk>/members/<int:member_pk>/passport/", views.member_personal, name="visit-member-personal"),
    path("visits/<int:pk>/programme/add/", views.programme_add, name="visit-programme-add"),
    path("visits/<int:pk>/<str:kind>/<int:part_pk>/remove/", views.part_delete, name="visit-part-delete"),
    path("visits/<int:pk>/<str:action>/", views.step, name="visit-step"),
]

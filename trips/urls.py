from django.urls import path

from trips import views

app_name = "trips"

urlpatterns = [
    *views.trips.urls(),
    path("notice/", views.notice, name="notice"),
    path("trips/<int:pk>/members/add/", views.member_add, name="trip-member-add"),
    path("trips/<int:pk>/countries/add/", views.country_add, name="trip-country-add"),
    path("trips/<int:pk>/<str:kind>/<int:part_pk>/remove/", views.part_delete, name="trip-part-delete"),
    path("trips/<int:pk>/<str:action>/", views.step, name="trip-step"),
]

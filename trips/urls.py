from django.urls import path

from trips import views, views_calendar, views_changes, views_passports, views_travel

app_name = "trips"

urlpatterns = [
    *views.trips.urls(),
    *views_passports.urlpatterns,
    *views_travel.urlpatterns,
    *views_changes.urlpatterns,
    *views_calendar.urlpatterns,
    path("notice/", views.notice, name="notice"),
    path("trips/<int:pk>/members/add/", views.member_add, name="trip-member-add"),
    path("trips/<int:pk>/countries/add/", views.country_add, name="trip-country-add"),
    path("trips/<int:pk>/<str:kind>/<int:part_pk>/remove/", views.part_delete, name="trip-part-delete"),
    path("trips/<int:pk>/<str:action>/", views.step, name="trip-step"),
]

from django.urls import path

from workqueue import views

app_name = "workqueue"
urlpatterns = [
    path("", views.index, name="index"),
]

from django.urls import path

from workqueue import views

app_name = "workqueue"
urlpatterns = [
    path("", views.index, name="index"),
    path("verification/", views.verification, name="verification"),
    path("mine/", views.mine, name="mine"),
]

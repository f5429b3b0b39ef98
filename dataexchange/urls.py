from django.urls import path

from dataexchange import views

app_name = "dataexchange"

urlpatterns = [
    path("", views.index, name="index"),
    path("<slug:kind>/export.<str:fmt>", views.export, name="export"),
    path("<slug:kind>/template.<str:fmt>", views.template, name="template"),
    path("<slug:kind>/import/", views.upload, name="import"),
    path("jobs/<uuid:job_id>/", views.job, name="job"),
    path("jobs/<uuid:job_id>/status/", views.job_status, name="job-status"),
    path("jobs/<uuid:job_id>/commit/", views.job_commit, name="job-commit"),
    path("jobs/<uuid:job_id>/retry/", views.job_retry, name="job-retry"),
    path("jobs/<uuid:job_id>/cancel/", views.job_cancel, name="job-cancel"),
]

from django.urls import path

from documents import views

app_name = "documents"

urlpatterns = [
    path("templates/", views.template_list, name="template-list"),
    path("templates/<str:kind>/upload/", views.template_upload, name="template-upload"),
    path("templates/<str:kind>/<int:version>/", views.template_download, name="template-download"),
    path("generate/<str:kind>/<int:pk>/", views.generate, name="generate"),
    path("<int:pk>/download/", views.document_download, name="document-download"),
]

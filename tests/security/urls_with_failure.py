"""The project's URLs plus one view that fails, to see the 500 page a user would see."""

from django.urls import path

from intlportal.urls import urlpatterns as project_urlpatterns


def fail(request):
    raise RuntimeError("secret-internal-detail: this must never reach the browser")


urlpatterns = [*project_urlpatterns, path("__fail__/", fail)]

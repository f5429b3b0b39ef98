"""The HTTP methods the portal serves: GET, HEAD, POST and OPTIONS.  Nothing in the portal
changes a record with PUT, PATCH or DELETE (the API is read-only; pages change records on a
POST).

Django's class-based views do not stop at that: a form view (``ProcessFormView``) treats PUT
as POST, a ``DeleteView`` deletes on DELETE without the confirmation's checks, and a function
view runs its GET branch for a PUT or — written as "if GET show, else act" — acts on it.
``UnservedMethodMiddleware`` answers those requests before any view runs:

* a method outside the four: 405, naming what the view serves;
* OPTIONS to a function view: the methods, rendering nothing (class-based views answer
  OPTIONS themselves the same way).

DRF's views (the read-only API) answer by their own method lists.
"""

from __future__ import annotations

from django.http import HttpResponse, HttpResponseNotAllowed

SERVED = ("GET", "HEAD", "POST", "OPTIONS")


def served_by(view_class) -> list[str]:
    """The methods of ``SERVED`` a Django class-based view has a handler for."""
    names = set(view_class.http_method_names)
    allowed = []
    for method in SERVED:
        name = method.lower()
        handler = "get" if name == "head" else name  # View.setup serves HEAD with get()
        if name in names and hasattr(view_class, handler):
            allowed.append(method)
    return allowed


class UnservedMethodMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_view(self, request, view_func, view_args, view_kwargs):
        if hasattr(view_func, "cls"):
            return None  # DRF: the API's views answer by their own method lists
        view_class = getattr(view_func, "view_class", None)
        if request.method not in SERVED:
            return HttpResponseNotAllowed(served_by(view_class) if view_class else SERVED)
        if request.method == "OPTIONS" and view_class is None:
            response = HttpResponse()
            response.headers["Allow"] = ", ".join(SERVED)
            response.headers["Content-Length"] = "0"
            return response
        return None

"""URL patterns for a record kind's list, create, detail, edit and delete pages."""

from django.urls import path


def crud_patterns(prefix: str, name: str, *, list_view, detail, create=None, update=None, delete=None):
    """``<name>-list``, ``<name>-create``, ``<name>-detail``, ``<name>-edit``, ``<name>-delete``."""
    patterns = [
        path(f"{prefix}/", list_view.as_view(), name=f"{name}-list"),
        path(f"{prefix}/<int:pk>/", detail.as_view(), name=f"{name}-detail"),
    ]
    if create is not None:
        patterns.append(path(f"{prefix}/new/", create.as_view(), name=f"{name}-create"))
    if update is not None:
        patterns.append(path(f"{prefix}/<int:pk>/edit/", update.as_view(), name=f"{name}-edit"))
    if delete is not None:
        patterns.append(path(f"{prefix}/<int:pk>/delete/", delete.as_view(), name=f"{name}-delete"))
    return patterns

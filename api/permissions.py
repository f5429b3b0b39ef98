from rest_framework.permissions import BasePermission

from intlportal import access


class HasPortalRole(BasePermission):
    """Signed in (by session or token) as a user holding office, leader or coordinator."""

    def has_permission(self, request, view) -> bool:
        return bool(request.user and request.user.is_authenticated and access.roles(request.user))

from django.conf import settings

from intlportal import access, navigation


def portal(request):
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {"nav_menu": [], "LANGUAGES_AVAILABLE": settings.LANGUAGES}
    return {
        "nav_menu": navigation.menu_for(user),
        "user_roles": sorted(access.roles(user)),
        "user_role_labels": [access.ROLE_LABELS[role] for role in sorted(access.roles(user))],
        "is_office": access.is_office(user),
        "is_leader": access.is_leader(user),
        "is_coordinator": access.is_coordinator(user),
        "LANGUAGES_AVAILABLE": settings.LANGUAGES,
    }

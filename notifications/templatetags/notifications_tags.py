"""The navbar's notification link with the unread count (one COUNT query per page)."""

from django import template

from notifications.models import Notification

register = template.Library()


@register.inclusion_tag("notifications/_nav_link.html", takes_context=True)
def notifications_nav(context):
    request = context.get("request")
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {"show": False}
    return {"show": True, "unread": Notification.objects.for_user(user).unread().count()}

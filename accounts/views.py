"""The office's accounts pages."""

from django.http import Http404


def user_list(request):  # placeholders, replaced by the accounts pages of issue 19
    raise Http404


user_create = user_detail = user_edit = user_list


def user_activate(request, pk, active):
    raise Http404

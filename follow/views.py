"""Following by e-mail: the pages a follower opens from its messages (being built)."""

from django.http import Http404


def confirm(request, token):
    raise Http404


def unsubscribe(request, token):
    raise Http404


def manage(request, token):
    raise Http404

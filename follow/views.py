"""Following by e-mail: the form's answer, and the pages a follower opens from its messages.

The follow form sits on public pages that the page cache keeps and shares (convention/cache.py):
a CSRF token would give each visitor a cookie and make them uncacheable. Its POST is therefore
exempt from CSRF: it acts on no one's session (there is no account), and what a forged request
could do, anyone can do with the form itself: ask for a confirmation message, which the abuse
limits bound (per client address per hour, one per address per day). The pages opened from a
message are private (never cached): confirming and managing check CSRF as usual; the one-click
unsubscribe does not, as RFC 8058 requires (a POST from a mail client, without a cookie)."""

from django.conf import settings
from django.shortcuts import render
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods, require_POST

from core.cache import cache_public_page
from core.site import client_ip

from .forms import FollowForm
from .links import manage_url
from .models import UNCONFIRMED_DAYS, Subscription
from .services import (
    client_over_limit,
    follower_confirm,
    follower_forget,
    follower_subscribe,
    follower_unfollow,
)
from .tokens import CONFIRM, MANAGE, UNSUBSCRIBE, read_link

ONE_CLICK = "One-Click"


@cache_public_page()
def index(request):
    """Follow every review (the pages of a proposal and of an axis have their own form)."""
    return render(request, "follow/index.html")


@csrf_exempt
@require_POST
def subscribe(request):
    """The same answer whether the address is new, unconfirmed, confirmed or over a limit: it
    never tells what an address follows. Limits first, before any other work."""
    if client_over_limit(client_ip(request)):
        return render(request, "follow/requested.html", {"days": UNCONFIRMED_DAYS})
    form = FollowForm(request.POST)
    if not form.is_valid():
        return render(request, "follow/subscribe.html", {"form": form}, status=400)
    follower_subscribe(
        email=form.cleaned_data["adresse"], proposal=form.cleaned_data["proposition"], axis=form.cleaned_data["axe"]
    )
    return render(request, "follow/requested.html", {"days": UNCONFIRMED_DAYS})


def _invalid_link(request):
    return render(request, "follow/invalid_link.html", {"days": UNCONFIRMED_DAYS}, status=404)


@require_http_methods(["GET", "HEAD", "POST"])
def confirm(request, token):
    """GET shows what the button confirms (what was asked until the link was made) and the
    button; POST confirms it: a mail scanner that opens the link confirms nothing."""
    link = read_link(token, CONFIRM)
    if link is None or link.follower is None:
        return _invalid_link(request)
    follower = link.follower
    if request.method == "POST":
        follower_confirm(follower=follower, issued_at=link.issued_at, addition=link.addition)
        context = {"subscriptions": _followed(follower), "manage_url": manage_url(follower)}
        return render(request, "follow/confirmed.html", context)
    asked = list(follower.asked_until(link.issued_at))
    if link.addition:  # a link made before the upgrade: the addition it carries
        addition = Subscription.from_target_values(follower, link.addition)
        if addition.target_exists():
            asked.append(addition)
    context = {"follower": follower, "asked": asked, "manage_url": manage_url(follower)}
    return render(request, "follow/confirm.html", context)


@csrf_exempt
@require_http_methods(["GET", "HEAD", "POST"])
def unsubscribe(request, token):
    """One click: a POST with `List-Unsubscribe=One-Click` (from a mail client, RFC 8058, or
    the page's button) forgets the address. GET shows the button only."""
    link = read_link(token, UNSUBSCRIBE)
    if link is None:
        return _invalid_link(request)
    follower = link.follower
    if request.method == "POST":
        if request.POST.get("List-Unsubscribe") != ONE_CLICK:
            return render(request, "follow/unsubscribe.html", {"follower": follower, "invalid": True}, status=400)
        if follower is not None:
            follower_forget(follower=follower)
        return render(request, "follow/unsubscribed.html")
    if follower is None:  # already unsubscribed: the link did its work
        return render(request, "follow/unsubscribed.html")
    return render(request, "follow/unsubscribe.html", {"follower": follower})


@require_http_methods(["GET", "HEAD", "POST"])
def manage(request, token):
    """What the address follows; stop following one thing, or everything (the address is then
    forgotten)."""
    link = read_link(token, MANAGE)
    follower = link.follower if link is not None else None
    if follower is None:
        return _invalid_link(request)
    removed = None
    if request.method == "POST":
        if request.POST.get("tout"):
            follower_forget(follower=follower)
            return render(request, "follow/unsubscribed.html")
        chosen = request.POST.get("abonnement", "")
        subscription = follower.followed().filter(pk=chosen).first() if chosen.isascii() and chosen.isdigit() else None
        if subscription is None:
            context = {"follower": follower, "subscriptions": _followed(follower), "invalid": True}
            return render(request, "follow/manage.html", context, status=400)
        removed = subscription.description
        if follower_unfollow(follower=follower, subscription=subscription):
            return render(request, "follow/unsubscribed.html")
    context = {"follower": follower, "subscriptions": _followed(follower), "removed": removed}
    return render(request, "follow/manage.html", context)


def _followed(follower):
    return list(follower.followed())


@cache_public_page()
def privacy(request):
    """The privacy notice: what is kept about a follower, why, how long, whom to ask."""
    context = {"days": UNCONFIRMED_DAYS, "contact": settings.PRIVACY_CONTACT, "log_days": settings.ACCESS_LOG_DAYS}
    return render(request, "pages/privacy.html", context)

"""The admin's «view on site» shortcut (`/admin/r/<content type>/<pk>/`) opens nothing its user
may not see in the back office: editors, clerks and the committee followed it for the
followers' subscriptions and learnt how many there were and what each one follows."""

import pytest
from django.contrib import admin
from django.contrib.contenttypes.models import ContentType
from django.test import RequestFactory

from follow.models import Announcement, Follower, Message, Subscription
from tests.conftest import logged_in
from tests.factory import make_axis, make_proposal

pytestmark = pytest.mark.django_db

MISSING = 987654


@pytest.fixture
def followers(db):
    axis = make_axis(slug="ecologique", name="Transition écologique")
    proposal = make_proposal(axis, key="eco-arbres", title="Planter")
    lea = Follower.objects.create(email="lea@example.org")
    lea.confirm()
    Subscription.objects.create(follower=lea, proposal=proposal)
    Subscription.objects.create(follower=lea, axis=axis)
    Subscription.objects.create(follower=lea)
    announcement = Announcement.objects.create(kind="review", key="review-2025-1", subject="Bilan 2025 publié")
    Message.objects.create(announcement=announcement, follower=lea)
    return lea


def shortcut(obj_or_model, pk=None) -> str:
    content_type = ContentType.objects.get_for_model(obj_or_model)
    return f"/admin/r/{content_type.pk}/{obj_or_model.pk if pk is None else pk}/"


@pytest.mark.parametrize("role", ["editor", "clerk", "committee"])
def test_no_role_but_superusers_reaches_a_follower_s_data_by_the_shortcut(request, followers, role):
    client = logged_in(request.getfixturevalue(role))
    missing = {model: client.get(shortcut(model, MISSING)) for model in (Follower, Subscription, Message)}

    for obj in [followers, *followers.subscriptions.all(), *followers.messages.all(), Announcement.objects.get()]:
        answer = client.get(shortcut(obj))
        assert answer.status_code == 404, f"{role} reaches {obj._meta.label} {obj.pk}: {answer.get('Location')}"
        if type(obj) in missing:  # nothing tells an existing row from a missing one
            assert answer.content == missing[type(obj)].content


def test_a_superuser_still_reaches_what_a_subscription_follows(superuser_client, followers):
    subscription = followers.subscriptions.get(proposal__isnull=False)

    assert superuser_client.get(shortcut(subscription))["Location"].endswith("/propositions/eco-arbres/")


@pytest.mark.parametrize("role", ["editor", "clerk", "committee"])
def test_the_shortcut_opens_nothing_the_back_office_hides_from_the_role(request, followers, role):
    """Whatever model is registered tomorrow: what a role may not view, its shortcut does not
    open (and what it may view, it still opens)."""
    user = request.getfixturevalue(role)
    client = logged_in(user)
    asking = RequestFactory().get("/admin/")
    asking.user = user
    for model, model_admin in admin.site._registry.items():
        obj = model._default_manager.first()
        if obj is None or not hasattr(obj, "get_absolute_url"):
            continue
        answer = client.get(shortcut(obj))
        if model_admin.has_view_permission(asking, obj):
            assert answer.status_code == 302, f"{role} cannot view {model._meta.label} on the site"
        else:
            assert answer.status_code == 404, f"{role} reaches {model._meta.label} by the shortcut"

"""One mailbox, one follower (follow/addresses.py): every stored address is put in its one form.
Rows that spelt one mailbox differently become one follower: the earliest row is kept, with
the subscriptions and messages of the others (one of each), the earliest confirmation and the
latest confirmation message; rows whose address has no such form (a control character, a
quoted local part that is not a plain one respelt) are deleted, as the form now refuses them
and no message could be sent to them safely."""

from collections import defaultdict

import django.db.models.functions.text
from django.core.exceptions import ValidationError
from django.db import migrations, models

import follow.models
from follow.addresses import normalize_address


def _earliest(values):
    values = [value for value in values if value is not None]
    return min(values) if values else None


def _latest(values):
    values = [value for value in values if value is not None]
    return max(values) if values else None


def one_follower_per_mailbox(apps, schema_editor):
    Follower = apps.get_model("follow", "Follower")
    Subscription = apps.get_model("follow", "Subscription")
    Message = apps.get_model("follow", "Message")
    mailboxes = defaultdict(list)
    refused = []
    for follower in Follower.objects.order_by("created_at", "pk"):
        try:
            mailboxes[normalize_address(follower.email, unquote=True)].append(follower)
        except ValidationError:
            refused.append(follower.pk)
    Follower.objects.filter(pk__in=refused).delete()
    for address, (kept, *others) in mailboxes.items():
        if not others and kept.email == address:
            continue
        rows = [kept, *others]
        followed = {(row.proposal_id, row.axis_id) for row in Subscription.objects.filter(follower=kept)}
        told = set(Message.objects.filter(follower=kept).values_list("announcement_id", flat=True))
        for other in others:
            for subscription in Subscription.objects.filter(follower=other).order_by("created_at", "pk"):
                target = (subscription.proposal_id, subscription.axis_id)
                if target not in followed:
                    followed.add(target)
                    Subscription.objects.filter(pk=subscription.pk).update(follower=kept)
            for message in Message.objects.filter(follower=other).order_by("pk"):
                if message.announcement_id not in told:
                    told.add(message.announcement_id)
                    Message.objects.filter(pk=message.pk).update(follower=kept)
        Follower.objects.filter(pk__in=[other.pk for other in others]).delete()
        Follower.objects.filter(pk=kept.pk).update(
            email=address,
            created_at=_earliest(row.created_at for row in rows),
            confirmed_at=_earliest(row.confirmed_at for row in rows),
            confirmation_sent_at=_latest(row.confirmation_sent_at for row in rows),
        )
    if schema_editor.connection.vendor == "postgresql":
        # Check the moved rows' foreign keys now: PostgreSQL alters no table with checks pending.
        schema_editor.execute("SET CONSTRAINTS ALL IMMEDIATE")


def draw_link_keys(apps, schema_editor):
    """Every follower's links carry a random key instead of its id (follow/tokens.py)."""
    Follower = apps.get_model("follow", "Follower")
    for follower in Follower.objects.filter(key__isnull=True).only("pk"):
        Follower.objects.filter(pk=follower.pk).update(key=follow.models.new_link_key())


def pending_until_confirmed(apps, schema_editor):
    """What an unconfirmed address asked for is pending: its confirmation link confirms it."""
    Subscription = apps.get_model("follow", "Subscription")
    Subscription.objects.filter(follower__confirmed_at__isnull=True).update(pending=True)


class Migration(migrations.Migration):
    dependencies = [
        ("follow", "0003_outbox"),
    ]

    operations = [
        migrations.RunPython(one_follower_per_mailbox, migrations.RunPython.noop),
        migrations.AddConstraint(
            model_name="follower",
            constraint=models.CheckConstraint(
                condition=models.Q(
                    ("email", django.db.models.functions.text.Lower("email")),
                    models.Q(("email__contains", '"'), _negated=True),
                    models.Q(("email__contains", "\\"), _negated=True),
                ),
                name="follow_follower_email_one_form",
            ),
        ),
        # The limit on requests to follow per client, in the database (follow/models.py).
        migrations.CreateModel(
            name="ClientRequest",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                ("client", models.CharField(max_length=64, verbose_name="client")),
                ("at", models.DateTimeField(verbose_name="le")),
            ],
            options={
                "verbose_name": "demande d'abonnement",
                "verbose_name_plural": "demandes d'abonnement",
                "indexes": [
                    models.Index(fields=["client", "at"], name="follow_clientrequest_window"),
                    models.Index(fields=["at"], name="follow_clientrequest_at"),
                ],
            },
        ),
        # The links carry a random key, not the follower's id (follow/tokens.py).
        migrations.AddField(
            model_name="follower",
            name="key",
            field=models.CharField(editable=False, max_length=32, null=True, verbose_name="clé des liens"),
        ),
        migrations.RunPython(draw_link_keys, migrations.RunPython.noop),
        migrations.AlterField(
            model_name="follower",
            name="key",
            field=models.CharField(
                default=follow.models.new_link_key,
                editable=False,
                max_length=32,
                unique=True,
                verbose_name="clé des liens",
            ),
        ),
        # A confirmation link confirms what was asked until it was made, not what was asked later.
        migrations.AddField(
            model_name="subscription",
            name="pending",
            field=models.BooleanField(
                default=False,
                help_text=(
                    "Demandé, annoncé par un message de confirmation, pas encore confirmé par son bouton : "
                    "rien n'est envoyé à son sujet."
                ),
                verbose_name="à confirmer",
            ),
        ),
        migrations.RunPython(pending_until_confirmed, migrations.RunPython.noop),
    ]

"""What followers receive when a review, a rectificatif, the committee's year or a project is
published: through a real SMTP server and the real worker, exactly one message per follower
concerned, with what concerns them, and never twice."""

import datetime

import pytest
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from follow import outbox
from follow.models import Announcement, Message
from follow.outbox import claim, requeue_stale
from proposals.models import Convention, ProjectState, Status
from reports.formatting import NBSP
from tests.factory import (
    make_assessment,
    make_axis,
    make_project,
    make_proposal,
    make_review,
    publish_committee,
    set_status,
)

from .mailing import make_follower, run_worker, smtp_server

# Real commits: the publication's on-commit work runs, and the worker (which closes a connection
# left inside a transaction, as after a request) shares the test's database connection.
pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def smtp(settings):
    with smtp_server(settings) as mailbox:
        yield mailbox


@pytest.fixture
def city():
    """Two axes; in 2024 (published) every proposal underway or not implemented; in 2025 the
    first proposal of the first axis is implemented, nothing else changes."""
    mobility = make_axis(slug="mobilites", name="Mobilités")
    nature = make_axis(slug="nature", name="Nature en ville")
    bike = make_proposal(mobility, key="velo", number=1, title="Des pistes cyclables continues")
    bus = make_proposal(mobility, key="bus", number=2, title="Des bus toutes les dix minutes")
    trees = make_proposal(nature, key="arbres", number=3, title="Planter des arbres")
    set_status(bike, 2024, Status.UNDERWAY)
    set_status(bus, 2024, Status.UNDERWAY)
    set_status(trees, 2024, Status.NOT_IMPLEMENTED)
    make_review(2024, documents=False)
    run_worker()  # nobody followed anything yet
    set_status(bike, 2025, Status.IMPLEMENTED, explanation="Les 12 km sont ouverts depuis juin.")
    return {"mobility": mobility, "nature": nature, "bike": bike, "bus": bus, "trees": trees}


def text_of(message) -> str:
    return message.get_body(("plain",)).get_content().replace("\r\n", "\n")


def html_of(message) -> str:
    return message.get_body(("html",)).get_content()


def test_publishing_a_review_sends_one_message_to_each_follower_concerned(smtp, city):
    make_follower("alice@example.org", city["bike"])
    make_follower("carol@example.org", city["mobility"])
    make_follower("dave@example.org", None)
    make_follower("erin@example.org", city["bike"], city["mobility"], None)  # three reasons, one message
    make_follower("bob@example.org", city["bus"])  # its proposal did not change
    make_follower("frank@example.org", city["nature"])  # nothing changed in its axis
    make_follower("gina@example.org", city["bike"], confirmed=False)  # never confirmed

    queued = DBTaskResult.objects.count()
    make_review(2025, documents=False)
    # The publication queued one task, whatever the number of followers.
    assert DBTaskResult.objects.count() == queued + 1
    run_worker()

    assert smtp.recipients() == ["alice@example.org", "carol@example.org", "dave@example.org", "erin@example.org"]
    alice = text_of(smtp.to("alice@example.org")[0])
    assert "Le bilan 2025 est publié." in alice
    assert "Proposition n° 1 : Des pistes cyclables continues" in alice
    assert "Statut : En cours → Mise en œuvre" in alice
    assert "Les 12 km sont ouverts depuis juin." in alice
    assert (
        "Source : Délibération du conseil municipal 2025, 15 décembre 2025, https://example.org/deliberation" in alice
    )
    assert "http://testserver/propositions/velo/" in alice
    assert "Bus" not in alice and "Planter" not in alice
    carol = text_of(smtp.to("carol@example.org")[0])
    assert f"Axe que vous suivez : Mobilités\nPropositions mises en œuvre : 1 sur 2 · 50,0{NBSP}%" in carol
    assert "Statut : En cours → Mise en œuvre" in carol
    dave = text_of(smtp.to("dave@example.org")[0])
    assert f"- Mobilités : 1 sur 2 · 50,0{NBSP}%" in dave
    assert f"- Nature en ville : 0 sur 1 · 0,0{NBSP}%" in dave
    assert f"- Ensemble : 1 sur 3 · 33,3{NBSP}%" in dave
    assert "1 proposition a changé de statut." in dave
    assert "Lire le bilan : http://testserver/bilans/2025/" in dave
    assert "Des pistes cyclables" not in dave
    erin = text_of(smtp.to("erin@example.org")[0])
    assert "Les propositions que vous suivez" in erin and "Axe que vous suivez : Mobilités" in erin
    assert "Ensemble : 1 sur 3" in erin
    assert Message.objects.filter(state=Message.State.SENT).count() == 4

    # The worker again: nothing more.
    run_worker()
    assert len(smtp.received) == 4


def test_a_message_is_plain_text_and_accessible_html_with_one_click_unsubscribe(smtp, city):
    make_follower("alice@example.org", city["bike"])
    make_review(2025, documents=False)
    run_worker()

    [message] = smtp.received
    assert message["Subject"].endswith(" : Bilan 2025 publié")
    assert message["From"] == "suivi@example.org"
    unsubscribe = str(message["List-Unsubscribe"]).strip()  # folded: the line is long
    assert unsubscribe.startswith("<http://testserver/suivre/desabonner/") and unsubscribe.endswith("/>")
    assert message["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    assert unsubscribe[1:-1] in text_of(message)
    html = html_of(message)
    assert '<html lang="fr">' in html
    assert "<title>Bilan 2025 publié</title>" in html
    assert '<a href="http://testserver/propositions/velo/"' in html
    assert "Statut : En cours → Mise en œuvre" in html
    assert f'href="{unsubscribe[1:-1]}"' in html
    assert "http://testserver/suivre/gerer/" in html


def test_a_refused_delivery_is_retried_and_received_once(smtp, city):
    make_follower("alice@example.org", city["bike"])
    make_follower("dave@example.org", None)
    smtp.fail_once.add("alice@example.org")

    make_review(2025, documents=False)
    run_worker()

    assert smtp.recipients() == ["alice@example.org", "dave@example.org"]
    alice = Message.objects.get(follower__email="alice@example.org")
    assert (alice.state, alice.attempts) == (Message.State.SENT, 2)
    assert Message.objects.get(follower__email="dave@example.org").attempts == 1
    run_worker()
    assert len(smtp.received) == 2


def test_a_delivery_refused_every_time_is_given_up_and_shown_failed(smtp, settings, city):
    settings.FOLLOW_MAX_ATTEMPTS = 3
    make_follower("alice@example.org", city["bike"])
    smtp.fail_always.add("alice@example.org")

    make_review(2025, documents=False)
    run_worker()

    assert smtp.received == []
    alice = Message.objects.get()
    assert (alice.state, alice.attempts) == (Message.State.FAILED, 3)
    assert "451" in alice.last_error


def test_later_attempts_wait_longer(smtp, settings, city):
    settings.FOLLOW_RETRY_SECONDS = 60
    make_follower("alice@example.org", city["bike"])
    smtp.fail_once.add("alice@example.org")

    make_review(2025, documents=False)
    run_worker()

    # Refused once: the next attempt waits a minute (the worker in batch mode stops meanwhile).
    assert smtp.received == []
    retry = DBTaskResult.objects.get(status="READY", task_path="follow.tasks.send_batch")
    assert datetime.timedelta(seconds=50) < retry.run_after - retry.enqueued_at < datetime.timedelta(seconds=70)
    assert Message.objects.get().state == Message.State.PENDING


def test_a_rectificatif_tells_the_followers_of_what_it_corrected(smtp, city):
    review = make_review(2025, documents=False)
    run_worker()
    make_follower("alice@example.org", city["bike"])  # not corrected
    make_follower("bob@example.org", city["bus"])
    make_follower("dave@example.org", None)
    review.open_correction("Le statut des bus était erroné.")
    set_status(city["bus"], 2025, Status.IMPLEMENTED, explanation="Cadencement en service.")

    review.publish(with_documents=False)
    run_worker()

    assert smtp.recipients() == ["bob@example.org", "dave@example.org"]
    [bob] = smtp.to("bob@example.org")
    assert bob["Subject"].endswith("Rectificatif du bilan 2025 publié")
    text = text_of(bob)
    assert "Rectificatif (version 2) : Le statut des bus était erroné." in text
    assert "Statut : En cours → Mise en œuvre" in text and "Cadencement en service." in text
    assert f"Ensemble : 2 sur 3 · 66,7{NBSP}%" in text_of(smtp.to("dave@example.org")[0])


def test_the_committee_year_tells_the_followers_of_the_proposals_it_assessed(smtp, city):
    make_assessment(city["bike"], 2025, 8, comment="Un vrai progrès pour les cyclistes.")
    make_follower("alice@example.org", city["bike"])
    make_follower("bob@example.org", city["bus"])  # not assessed
    make_follower("carol@example.org", city["mobility"])
    make_follower("dave@example.org", None)

    publish_committee(2025, statement="Une année utile.")
    run_worker()

    assert smtp.recipients() == ["alice@example.org", "carol@example.org", "dave@example.org"]
    alice = text_of(smtp.to("alice@example.org")[0])
    assert "Le comité de suivi a publié son avis sur l'année 2025." in alice
    assert "Avis du comité : 8/10" in alice and "Un vrai progrès pour les cyclistes." in alice
    assert "Axe que vous suivez : Mobilités" in text_of(smtp.to("carol@example.org")[0])
    assert "Déclaration du comité : Une année utile." in text_of(smtp.to("dave@example.org")[0])


def test_a_project_delivered_tells_the_followers_of_its_proposals_once(smtp, city):
    project = make_project([city["bus"], city["trees"]], title="Ligne de bus C", summary="Une nouvelle ligne.")
    make_follower("bob@example.org", city["bus"])
    make_follower("alice@example.org", city["bike"])  # not carried out by the project
    make_follower("dave@example.org", None)  # a project is not a review

    def deliver():
        project.state = ProjectState.DELIVERED
        project.save()

    deliver()
    run_worker()

    assert smtp.recipients() == ["bob@example.org"]
    [bob] = smtp.received
    assert bob["Subject"].endswith("Projet réalisé : Ligne de bus C")
    text = text_of(bob)
    assert "Le projet « Ligne de bus C » est réalisé." in text
    assert "Proposition n° 2 : Des bus toutes les dix minutes" in text and "Planter" not in text

    # Saved again while delivered: not a transition, nothing sent.
    project.save()
    run_worker()
    assert len(smtp.received) == 1


def test_a_project_with_the_longest_title_is_announced_too(smtp, city):
    """A project's title may take 200 characters: its announcement's subject, longer, still
    fits its column (PostgreSQL refused it, and the task failed: no follower was told)."""
    title = "Ligne de bus C " + "x" * 185
    project = make_project([city["bus"]], title=title, summary="Une nouvelle ligne.")
    make_follower("bob@example.org", city["bus"])

    project.state = ProjectState.DELIVERED
    project.save()
    run_worker()

    [bob] = smtp.received
    assert "Projet réalisé : Ligne de bus C xxx" in bob["Subject"]
    assert f"Le projet « {title} » est réalisé." in text_of(bob)
    [announcement] = Announcement.objects.filter(kind=Announcement.Kind.PROJECT)
    assert len(announcement.subject) <= Announcement._meta.get_field("subject").max_length


def test_a_rolled_back_publication_queues_nothing(city):
    make_follower("alice@example.org", city["bike"])
    queued = set(DBTaskResult.objects.filter(status="READY").values_list("pk", flat=True))  # the watchdogs of 2024
    with pytest.raises(RuntimeError), transaction.atomic():
        make_review(2025, documents=False)
        raise RuntimeError
    assert set(DBTaskResult.objects.filter(status="READY").values_list("pk", flat=True)) == queued


def test_the_announcement_is_queued_in_the_publication_s_own_transaction(city):
    """Committed with the publication or not at all: no moment when one is without the other."""
    make_follower("alice@example.org", city["bike"])
    with transaction.atomic():
        make_review(2025, documents=False)
        assert DBTaskResult.objects.filter(status="READY", task_path__endswith="announce_review").count() == 1
    assert DBTaskResult.objects.filter(status="READY", task_path__endswith="announce_review").count() == 1


def test_a_message_claimed_by_one_worker_is_not_taken_by_another(smtp, city):
    make_follower("alice@example.org", city["bike"])
    make_review(2025, documents=False)
    run_worker(max_tasks=1)  # plans the message, sends nothing yet
    message = Message.objects.get()

    assert [taken.pk for taken in claim([message.pk])] == [message.pk]
    assert claim([message.pk]) == []


def test_a_message_left_by_a_stopped_worker_is_sent_again(smtp, city):
    make_follower("alice@example.org", city["bike"], city["nature"])
    make_review(2025, documents=False)
    run_worker(max_tasks=1)  # plans the message, sends nothing yet
    DBTaskResult.objects.filter(status="READY").delete()  # the worker stopped: its tasks are lost too
    [message] = claim(list(Message.objects.values_list("pk", flat=True)))  # it had taken the message
    assert requeue_stale() == []  # not yet: it may still be sending

    # Much later, the worker's next task (the next publication) sends it again, and its own.
    Message.objects.filter(pk=message.pk).update(claimed_at=message.created_at - datetime.timedelta(hours=2))
    set_status(city["trees"], 2026, Status.IMPLEMENTED)
    make_review(2026, documents=False)
    run_worker()

    assert [text_of(received).splitlines()[0] for received in smtp.received] == [
        "Le bilan 2025 est publié.",
        "Le bilan 2026 est publié.",
    ]
    assert set(Message.objects.values_list("state", flat=True)) == {Message.State.SENT}


def test_a_batch_whose_worker_stopped_mid_send_is_sent_again_by_its_watchdog(smtp, city, monkeypatch):
    make_follower("alice@example.org", city["bike"])
    make_follower("dave@example.org", None)
    make_review(2025, documents=False)

    def stop(*args, **kwargs):
        raise SystemExit  # the worker's process ends while it holds the batch

    monkeypatch.setattr(outbox, "compose", stop)
    run_worker(failures_expected=True)
    assert smtp.received == []
    assert set(Message.objects.values_list("state", flat=True)) == {Message.State.SENDING}
    [watchdog] = [  # the batch's (the announcement's own watches its planning)
        task
        for task in DBTaskResult.objects.filter(status="READY", task_path="follow.tasks.watch_batch")
        if task.args_kwargs["args"][0]
    ]
    assert watchdog.run_after - watchdog.enqueued_at > datetime.timedelta(hours=1)

    # An hour later, the watchdog puts the messages back in the queue and they are sent, once.
    monkeypatch.undo()
    Message.objects.update(claimed_at=timezone.now() - datetime.timedelta(hours=2))
    DBTaskResult.objects.filter(pk=watchdog.pk).update(run_after=timezone.now())
    run_worker()
    assert smtp.recipients() == ["alice@example.org", "dave@example.org"]
    assert set(Message.objects.values_list("state", flat=True)) == {Message.State.SENT}


def test_a_publication_costs_the_same_with_or_without_followers(city):
    review = make_review(2025, documents=False)

    def queries_of_a_rectificatif() -> int:
        review.open_correction("Correction")
        with CaptureQueriesContext(connection) as queries:
            review.publish(with_documents=False)  # its commit's work included
        return len(queries)

    alone = queries_of_a_rectificatif()
    for n in range(30):
        make_follower(f"abonne-{n}@example.org", city["bike"], city["mobility"], None)
    assert queries_of_a_rectificatif() == alone


def test_a_refused_message_whose_retry_was_lost_is_queued_again_by_the_watchdog(smtp, settings, city):
    settings.FOLLOW_RETRY_SECONDS = 60
    make_follower("alice@example.org", city["bike"])
    smtp.fail_once.add("alice@example.org")
    make_review(2025, documents=False)
    run_worker()

    # The worker stopped before the retry was queued; later, the batch's watchdog comes.
    DBTaskResult.objects.filter(status="READY", task_path="follow.tasks.send_batch").delete()
    DBTaskResult.objects.filter(status="READY", task_path="follow.tasks.watch_batch").update(run_after=timezone.now())
    run_worker()

    assert smtp.recipients() == ["alice@example.org"]
    assert Message.objects.get().state == Message.State.SENT


def test_a_messages_subject_names_the_convention_in_full(smtp, city):
    Convention.objects.create(
        pk=1,
        name="Convention citoyenne pour le climat de Clermont-Ferrand",
        short_name="Convention citoyenne",
        introduction=".",
    )
    make_follower("alice@example.org", city["bike"])
    make_review(2025, documents=False)
    run_worker()

    [message] = smtp.received
    assert (
        str(message["Subject"]).strip() == "Convention citoyenne pour le climat de Clermont-Ferrand : Bilan 2025 publié"
    )

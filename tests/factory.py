"""Small builders for test data: each makes exactly the rows a test needs."""

import datetime
import itertools

from django.core.management import call_command

from proposals.models import Axis, Institution, KeyFigure, Project, Proposal, Source, YearlyStatus
from reports.models import AnnualReview, Assembly

_counter = itertools.count(1)


def seed_clermont() -> None:
    """The real Clermont-Ferrand data, as `make run` loads it (its 2025 review frozen)."""
    call_command("seed", "clermont", verbosity=0)


def make_axis(**kwargs) -> Axis:
    n = next(_counter)
    kwargs.setdefault("slug", f"axe-{n}")
    kwargs.setdefault("name", f"Axe {n}")
    kwargs.setdefault("order", n)
    return Axis.objects.create(**kwargs)


# The names the tests give to Clermont's institution codes (the data, in fixtures/clermont.json).
INSTITUTION_NAMES = {
    "ville": "Ville",
    "metropole": "Métropole",
    "ville_metropole": "Ville et Métropole",
    "aucun": "Aucune (hors compétences)",
}
ASSEMBLY_NAMES = {"ville": "Conseil municipal", "metropole": "Conseil métropolitain"}


def make_institution(code: str, name: str | None = None, **kwargs) -> Institution:
    """The institution of `code`, created on first use (Clermont's codes get Clermont's names)."""
    kwargs.setdefault("order", list(INSTITUTION_NAMES).index(code) + 1 if code in INSTITUTION_NAMES else 0)
    defaults = {"name": name or INSTITUTION_NAMES.get(code, code), **kwargs}
    return Institution.objects.get_or_create(code=code, defaults=defaults)[0]


def make_assembly(code: str, name: str | None = None, **kwargs) -> Assembly:
    defaults = {"name": name or ASSEMBLY_NAMES.get(code, code), **kwargs}
    return Assembly.objects.get_or_create(code=code, defaults=defaults)[0]


def make_proposal(axis: Axis | None = None, *, lead: str = "", leads=(), **kwargs) -> Proposal:
    """`lead` (a code) or `leads` (codes): the institutions, created on first use."""
    n = next(_counter)
    kwargs.setdefault("key", f"proposition-{n}")
    kwargs.setdefault("title", f"Proposition {n}")
    proposal = Proposal.objects.create(axis=axis or make_axis(), **kwargs)
    codes = [lead] if lead else list(leads)
    if codes:
        proposal.leads.set([make_institution(code) for code in codes])
    return proposal


def set_status(proposal: Proposal, year: int, status: str, *, source: bool = True, **kwargs) -> YearlyStatus:
    """The yearly status of `proposal` for `year`, with one source unless `source=False`."""
    yearly = YearlyStatus.objects.create(proposal=proposal, year=year, status=status, **kwargs)
    if source:
        Source.objects.create(
            yearly_status=yearly,
            label=f"Délibération du conseil municipal {year}",
            url="https://example.org/deliberation",
            date=datetime.date(year, 12, 15),
        )
    return yearly


def make_project(proposals=(), *, lead: str = "", **kwargs) -> Project:
    n = next(_counter)
    if lead:
        kwargs["lead"] = make_institution(lead)
    kwargs.setdefault("slug", f"projet-{n}")
    kwargs.setdefault("title", f"Projet {n}")
    project = Project.objects.create(**kwargs)
    project.proposals.set(proposals)
    return project


def make_key_figure(project: Project, **kwargs) -> KeyFigure:
    kwargs.setdefault("label", "places")
    kwargs.setdefault("value", 10)
    return KeyFigure.objects.create(project=project, **kwargs)


def make_review(year: int, *, published: bool = True, documents: bool = False, **kwargs) -> AnnualReview:
    """A review of `year`; published (frozen) unless `published=False`: make the statuses it must
    count first. Its five documents are rendered and stored only with `documents=True` (the
    slowest part of a test), for the tests that read a stored document; without them, the
    site renders a document when it is asked for."""
    kwargs.setdefault("situation_date", datetime.date(year, 12, 1))
    review = AnnualReview.objects.create(year=year, **kwargs)
    if published:
        review.publish(with_documents=documents)
    return review


def make_convention(n_proposals: int, *, year: int = 2025, axes: int = 3) -> list[Proposal]:
    """A convention of `n_proposals` spread over `axes` axes, each with a status and a project."""
    axis_list = [make_axis() for _ in range(axes)]
    statuses = ["implemented", "implemented", "underway", "not_implemented", "out_of_scope"]
    proposals = Proposal.objects.bulk_create(
        Proposal(key=f"gen-{year}-{i}", title=f"Proposition générée {i}", axis=axis_list[i % axes], order=i)
        for i in range(n_proposals)
    )
    yearly = YearlyStatus.objects.bulk_create(
        YearlyStatus(proposal=p, year=year, status=statuses[i % len(statuses)]) for i, p in enumerate(proposals)
    )
    Source.objects.bulk_create(Source(yearly_status=y, label="Bilan", date=datetime.date(year, 12, 1)) for y in yearly)
    project = make_project()
    project.proposals.add(*proposals)
    return proposals


# Long words of a national convention, to build names and titles of any length.
_LONG_WORDS = (
    "garantir à chaque habitante et à chaque habitant un accès digne et durable à une alimentation saine, "
    "locale et abordable, en accompagnant les agricultrices et les agriculteurs dans la transition "
    "agroécologique et en réduisant de moitié le gaspillage alimentaire dans la restauration collective "
)


def long_text(length: int, prefix: str = "") -> str:
    """`prefix` followed by French words and a full stop, at most `length` characters long."""
    text = prefix + " " + _LONG_WORDS * (length // len(_LONG_WORDS) + 1)
    return text[: length - 1].rstrip() + "." if length > len(prefix) + 1 else prefix[:length]


def make_wide_convention(
    *, axes: int = 10, per_axis: int = 3, title_length: int = 400, publish: bool = True, documents: bool = False
) -> list[Axis]:
    """A convention of another shape: `axes` axes with long names, `per_axis` proposals each with
    titles of `title_length` characters and projects with long titles, followed in 2024 and 2025
    (both reviews published unless `publish=False`, their documents stored with `documents=True`).
    The last axis is named «Axe final …»."""
    statuses = ["implemented", "underway", "not_implemented", "out_of_scope", "implemented"]
    axis_list = []
    for a in range(1, axes + 1):
        prefix = "Axe final" if a == axes else f"Axe {a}"
        axis = make_axis(slug=f"axe-long-{a}", name=long_text(90, f"{prefix} : se nourrir, se loger"), order=a)
        axis_list.append(axis)
        for p in range(1, per_axis + 1):
            proposal = make_proposal(
                axis, key=f"a{a}-p{p}", number=a * 100 + p, title=long_text(title_length, f"Proposition {a}.{p} :")
            )
            set_status(proposal, 2024, statuses[(a + p) % len(statuses)])
            set_status(proposal, 2025, statuses[(a + p + 1) % len(statuses)])
            if p == 1:
                make_project([proposal], slug=f"projet-{a}", title=long_text(200, f"Projet {a} :"))
    if publish:
        publish_wide_convention(documents=documents)
    return axis_list


def publish_wide_convention(*, documents: bool = False) -> None:
    make_review(2024, situation_date=datetime.date(2024, 12, 1), documents=documents)
    make_review(2025, documents=documents)


def make_assessment(proposal: Proposal, year: int, grade: int | None, **kwargs):
    """The committee's assessment of `proposal` for `year` (not published: see `publish_committee`)."""
    from assessments.models import Assessment

    return Assessment.objects.create(proposal=proposal, year=year, grade=grade, **kwargs)


def publish_committee(year: int, statement: str = "", **kwargs):
    """The committee's year `year`, published (its assessments must exist)."""
    from assessments.models import CommitteeReview
    from assessments.publication import committee_publish

    review, _ = CommitteeReview.objects.get_or_create(year=year, defaults={"statement": statement})
    return committee_publish(review, **kwargs)


def run_ready_tasks(task_path: str | None = None) -> int:
    """Run the queued tasks that are due (those of `task_path` only, when given), one after the
    other, by django-tasks-db's own Worker.run_task, as the worker process would, here, in the
    test's transaction (the worker's own loop reconnects, which a rolled-back test cannot); the
    tasks they queue run too. A task that failed fails the test. Returns how many ran."""
    from django_tasks_db.management.commands.db_worker import Worker
    from django_tasks_db.models import DBTaskResult

    worker = Worker(
        queue_names=["*"],
        interval=0,
        batch=True,
        backend_name="default",
        startup_delay=False,
        max_tasks=None,
        worker_id="tests",
        excluded_queue_names=[],
    )
    ready = DBTaskResult.objects.ready()
    if task_path is not None:
        ready = ready.filter(task_path=task_path)
    ran = 0
    while (result := ready.first()) is not None:
        result.claim(worker.worker_id)
        worker.run_task(result)
        result.refresh_from_db()
        assert result.status == "SUCCESSFUL", result.traceback
        ran += 1
    return ran


def run_queued_publications() -> int:
    """Run the publications «Publier» queued, as the worker (`manage.py db_worker`) runs them.
    Returns how many ran."""
    from publishing.workflow import run_publication

    return run_ready_tasks(run_publication.module_path)

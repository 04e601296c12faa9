"""How long the publication of a review takes, step by step: freezing the record, then each document.

    .venv/bin/python bench/publication.py [--big 4000] [--only clermont|big] [--profile FILE] [--keep DIR] [--no-warm]

A throwaway SQLite database in a temporary folder (or the DATABASE_URL given, which it fills: a
throwaway one only, as `bin/with-postgres` gives). It loads the Clermont data and publishes its
2025 review as `publish_review` does (same steps, in this process), then generates a convention
of `--big` proposals (`generate_convention`) and publishes it. Prints, per step, the CPU time of
this process (SQLite runs in it too) and the wall-clock time; `--profile FILE` writes a cProfile
of each publication to FILE-<dataset>.prof (read it with `python -m pstats`); `--keep DIR` writes
the stored documents there, to compare them before and after a change; `--no-warm` turns the page
cache off, so that no page is warmed once the record is published (thousands at 4,000 proposals).

Last measured (December 2026, this 2-core machine, SQLite, quiet): 4,000 proposals with
`--no-warm`, 41.6 s CPU, the PDF 37.5 s of it (XLSX 2.3 s, freezing the record 0.9 s); the pages
warmed after it added 59 s, measured under load. Clermont: 2.25–2.30 s CPU in all, of which 1.4–1.6 s to the
published record (the PDF 1.15–1.3 s) and 0.7–0.8 s to warm the pages.
"""

import argparse
import cProfile
import os
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


def publish(dataset: str, year: int, profile: str | None, keep: str | None = None) -> None:
    from publishing.workflow import publication_request, publication_run
    from reports.models import AnnualReview

    review = AnnualReview.objects.get(year=year)
    publication, _created = publication_request(review, queue=False)
    print(f"== {dataset}: publication of the {year} review")
    print("    cpu     wall  step", flush=True)
    last: list = []  # the step under way: (label, cpu at its start, wall at its start)

    def step_ended() -> None:
        if last:
            label, cpu, wall = last.pop()
            print(f"{time.process_time() - cpu:7.2f}  {time.perf_counter() - wall:7.2f}  {label}", flush=True)

    def echo(index: int, total: int, label: str) -> None:
        step_ended()
        last.append((label, time.process_time(), time.perf_counter()))

    profiler = cProfile.Profile(time.process_time) if profile else None
    cpu_start, wall_start = time.process_time(), time.perf_counter()
    if profiler:
        profiler.enable()
    publication = publication_run(publication.pk, echo=echo)
    if profiler:
        profiler.disable()
        profiler.dump_stats(f"{profile}-{dataset}.prof")
    step_ended()
    cpu_end, wall_end = time.process_time(), time.perf_counter()
    assert publication.state == publication.State.DONE, publication.error
    print(f"{cpu_end - cpu_start:7.2f}  {wall_end - wall_start:7.2f}  total (s)", flush=True)
    if keep:
        from reports.models import ReviewDocument

        folder = Path(keep)
        folder.mkdir(parents=True, exist_ok=True)
        for document in ReviewDocument.objects.filter(version__review=review, version__number=publication.number):
            (folder / f"{dataset}.{document.fmt}").write_bytes(bytes(document.content))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--big", type=int, default=4000, help="proposals in the generated convention")
    parser.add_argument("--only", choices=["clermont", "big"], help="publish only this one")
    parser.add_argument("--profile", help="write a cProfile of each publication to PROFILE-<dataset>.prof")
    parser.add_argument("--no-warm", action="store_true", help="page cache off: no pages warmed after publication")
    parser.add_argument("--keep", help="write the stored documents into this folder (<dataset>.<format>)")
    args = parser.parse_args()

    tmp = tempfile.TemporaryDirectory()
    os.environ.setdefault("DATABASE_URL", f"sqlite:///{tmp.name}/bench.sqlite3")
    os.environ.update(
        DJANGO_DEBUG="false",
        DJANGO_SECRET_KEY="publication-bench-only-not-a-secret",
        DJANGO_ALLOWED_HOSTS="127.0.0.1",
        SITE_URL="https://127.0.0.1",
        DJANGO_LOG_LEVEL="ERROR",
        DJANGO_SETTINGS_MODULE="convention.settings",
    )
    if args.no_warm:
        os.environ["DJANGO_PAGE_CACHE_SECONDS"] = "0"
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", "--noinput", verbosity=0)
    call_command("collectstatic", "--noinput", verbosity=0)  # the pages warmed after it need the manifest
    if args.only != "big":
        call_command("loaddata", "clermont", verbosity=0)  # 2025 marked published without its record
        publish("clermont", 2025, args.profile, args.keep)
    if args.only != "clermont":
        call_command("generate_convention", "--proposals", str(args.big), "--yes", verbosity=0)
        publish(str(args.big), 2025, args.profile, args.keep)
    tmp.cleanup()


if __name__ == "__main__":
    main()

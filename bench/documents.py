"""How long each review document takes to make, for the Clermont data and for a big convention.

Run with `.venv/bin/python bench/documents.py [--repeat N] [--big 4000]` (not a test: pytest does
not collect it). It builds a throwaway SQLite database in a temporary folder, loads the Clermont
data (40 proposals, the published 2025 review), times `export_review` for every format, then
does the same for a generated convention (4,000 proposals by default). One line per format and
size: the best of N runs (a first, untimed run warms the caches: fonts, templates).
"""

import argparse
import os
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def setup_django(database: Path) -> None:
    # Before django.setup(): the settings read DATABASE_URL once.
    os.environ["DATABASE_URL"] = f"sqlite:///{database}"
    os.environ.setdefault("DJANGO_DEBUG", "true")
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "convention.settings")
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()


def time_formats(label: str, repeat: int) -> None:
    from public_site.exports import export_review
    from reports.formats import FORMATS
    from reports.models import AnnualReview

    review = AnnualReview.objects.get(year=2025)
    for fmt in FORMATS:
        export_review(review, fmt, base_url="https://example.org")  # warm-up
        timings = []
        for _ in range(repeat):
            start = time.perf_counter()
            content = export_review(review, fmt, base_url="https://example.org")
            timings.append(time.perf_counter() - start)
        print(f"{fmt:5} {label:>16}  {min(timings):7.3f} s  {len(content) / 1024:9.1f} KiB", flush=True)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=3, help="timed runs per format (best is shown)")
    parser.add_argument("--big", type=int, default=4000, help="proposals in the generated convention")
    args = parser.parse_args()

    with tempfile.TemporaryDirectory() as folder:
        setup_django(Path(folder) / "bench.sqlite3")
        from django.core.management import call_command

        call_command("migrate", verbosity=0)
        call_command("seed", "clermont", verbosity=0)
        print(f"{'format':5} {'proposals':>16}  {'time':>9}  {'size':>13}")
        time_formats("40 (Clermont)", args.repeat)

        from tests.factory import make_convention, make_review

        call_command("flush", interactive=False, verbosity=0)
        make_convention(args.big, year=2025)
        make_review(2025)
        time_formats(f"{args.big:,} (generated)".replace(",", " "), max(1, args.repeat // 3))


if __name__ == "__main__":
    main()

# syntax=docker/dockerfile:1
# Build: docker build -t convention .   Run: see docker-compose.yml and README ("Production").

FROM python:3.11-slim-bookworm AS build
ENV PIP_DISABLE_PIP_VERSION_CHECK=1 PIP_NO_CACHE_DIR=1
# WHEELS: a folder of wheels mounted into the build, for a machine whose builds cannot reach the
# package index (`make image-check`); empty: from the index.
ARG WHEELS=
RUN python -m venv /venv
# Production's set only: no test or lint tools (those are in requirements-dev.lock).
COPY requirements.lock /tmp/requirements.lock
RUN /venv/bin/pip install ${WHEELS:+--no-index --find-links "$WHEELS"} -r /tmp/requirements.lock

FROM python:3.11-slim-bookworm
# WeasyPrint (the council PDF) needs Pango and fonts from Debian.
RUN apt-get update \
 && apt-get install -y --no-install-recommends libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz-subset0 fonts-dejavu-core \
 && rm -rf /var/lib/apt/lists/* \
 && useradd --create-home --uid 1000 convention
COPY --from=build /venv /venv
ENV PATH=/venv/bin:$PATH PYTHONUNBUFFERED=1 PYTHONDONTWRITEBYTECODE=1
WORKDIR /app
COPY --chown=convention:convention . /app
# Hashed, compressed static files, collected at build time with throwaway settings.
RUN DJANGO_DEBUG=false DJANGO_SECRET_KEY=build-only DJANGO_ALLOWED_HOSTS=build SITE_URL=https://build DATABASE_URL=sqlite:////tmp/build.sqlite3 \
    python manage.py collectstatic --noinput -v0 \
 && chown -R convention:convention /app/staticfiles
USER convention
EXPOSE 8000
# It asks for the first allowed host: any other Host header is refused (400) in production.
HEALTHCHECK --interval=30s --timeout=5s --start-period=30s --retries=3 \
  CMD python -c "import os,sys,urllib.request as u; host=os.environ['DJANGO_ALLOWED_HOSTS'].split(',')[0].strip(); sys.exit(u.urlopen(u.Request('http://127.0.0.1:' + os.environ.get('PORT', '8000') + '/sante/', headers={'Host': host}), timeout=4).status != 200)"
CMD ["bin/start"]

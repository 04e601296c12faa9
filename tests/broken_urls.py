"""A URLconf with a failing view, to see the 500 page (tests only)."""

from django.urls import path

from convention.urls import handler404, handler500, urlpatterns  # noqa: F401


def boom(request):
    raise RuntimeError("boom")


urlpatterns = [path("boom/", boom), *urlpatterns]

import datetime

from django.conf import settings
from django.db import DatabaseError, connection
from django.http import Http404, HttpResponse, JsonResponse
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_safe

from core.cache import cache_answers
from follow.models import Message

# The views below answer GET and HEAD only: no CSRF check, so another method gets 405.


@csrf_exempt
@never_cache
@require_safe
def health(request):
    """200 when the database answers, 503 otherwise (for the load balancer and Docker). A cache
    that does not answer makes pages slower, not unavailable: still 200, said «dégradé». The
    followers' outbox is there for monitoring (its backlog, how long its oldest message has
    waited, its failures), never a reason for anything but 200."""
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
    except Exception:  # noqa: BLE001  any database failure means "not healthy"
        return JsonResponse({"status": "indisponible", "database": False}, status=503)
    cache_ok = cache_answers()
    try:
        outbox = Message.objects.outbox_state()
    except DatabaseError:  # the outbox is not what the load balancer asks about
        outbox = None
    return JsonResponse(
        {"status": "ok" if cache_ok else "dégradé", "database": True, "cache": cache_ok, "outbox": outbox}
    )


# RFC 9116 advises an expiry date less than a year ahead: always this many days from today.
SECURITY_TXT_DAYS = 180


@csrf_exempt
@require_safe
def security_txt(request):
    """/.well-known/security.txt (RFC 9116): the contacts of SECURITY_CONTACT; none, no file."""
    if not settings.SECURITY_CONTACT:
        raise Http404
    expires = datetime.date.today() + datetime.timedelta(days=SECURITY_TXT_DAYS)
    lines = [f"Contact: {contact if ':' in contact else 'mailto:' + contact}" for contact in settings.SECURITY_CONTACT]
    lines += [f"Expires: {expires.isoformat()}T00:00:00Z", "Preferred-Languages: fr, en"]
    if settings.SITE_URL:
        lines.append(f"Canonical: {settings.SITE_URL}/.well-known/security.txt")
    return HttpResponse("\n".join(lines) + "\n", content_type="text/plain; charset=utf-8")

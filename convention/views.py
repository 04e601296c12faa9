from django.db import connection
from django.http import JsonResponse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_safe


@never_cache
@require_safe
def health(request):
    """200 when the database answers, 503 otherwise (for the load balancer and Docker)."""
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
    except Exception:  # noqa: BLE001  any database failure means "not healthy"
        return JsonResponse({"status": "indisponible", "database": False}, status=503)
    return JsonResponse({"status": "ok", "database": True})

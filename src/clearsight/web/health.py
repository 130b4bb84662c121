"""A health check for a load balancer or the browser tests' wait: the app answers and reaches its database."""

from __future__ import annotations

from django.db import connection
from django.http import HttpRequest, HttpResponse

from clearsight.web.access import public


@public
def health(request: HttpRequest) -> HttpResponse:
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
    return HttpResponse("ok", content_type="text/plain")

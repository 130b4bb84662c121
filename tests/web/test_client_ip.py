"""Behind a council's reverse proxy, the access log and sign-in throttling record the person's address,
not the proxy's; a client cannot choose the address by sending X-Forwarded-For itself."""

import pytest
from django.test import RequestFactory

from clearsight.web.accounts.roles import Role
from clearsight.web.audit.models import AccessEvent
from clearsight.web.security import client_ip


@pytest.mark.parametrize(
    ("proxies", "forwarded", "expected"),
    [
        (0, "203.0.113.9", "10.0.0.2"),  # no proxy: the header is ignored
        (1, "203.0.113.9", "203.0.113.9"),
        (1, "198.51.100.66, 203.0.113.9", "203.0.113.9"),  # the client's own claim is not believed
        (2, "198.51.100.66, 203.0.113.9, 10.0.0.7", "203.0.113.9"),
        (1, "", "10.0.0.2"),  # a proxy that sent no header: the connection's address
    ],
)
def test_the_client_address_is_read_behind_the_trusted_proxies(settings, proxies, forwarded, expected):
    settings.CLEARSIGHT_PROXIES = proxies
    request = RequestFactory().get("/", REMOTE_ADDR="10.0.0.2", HTTP_X_FORWARDED_FOR=forwarded)
    assert client_ip(request) == expected


def test_the_access_log_records_the_address_the_proxy_saw(settings, client_as):
    settings.CLEARSIGHT_PROXIES = 1
    client = client_as(Role.ANALYST)
    assert (
        client.get("/exceptions/", REMOTE_ADDR="10.0.0.2", HTTP_X_FORWARDED_FOR="203.0.113.9").status_code
        == 200
    )
    assert AccessEvent.objects.get().ip_address == "203.0.113.9"

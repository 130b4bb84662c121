from clearsight.web.accounts.roles import Role


def test_analyst_sees_exceptions_and_it_is_logged(client_as):
    from clearsight.web.audit.models import AccessEvent

    client = client_as(Role.ANALYST)
    response = client.get("/exceptions/?severity=critical")
    assert response.status_code == 200
    assert AccessEvent.objects.filter(action="view_exceptions").count() == 1


def test_member_is_refused_exceptions(client_as):
    response = client_as(Role.ELECTED_MEMBER).get("/exceptions/")
    assert response.status_code == 403

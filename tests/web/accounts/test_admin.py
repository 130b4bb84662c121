"""The admin site: the administrator role manages accounts (by its role, with no Django permissions
given), and nobody else gets in."""

from __future__ import annotations

from django.contrib.auth.models import User
from django.test import Client

from clearsight.web.accounts.models import Profile
from clearsight.web.accounts.roles import Role


def signed_in(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def test_an_administrator_sees_and_changes_accounts_without_django_permissions(person):
    admin = person(Role.ADMINISTRATOR)
    assert not admin.is_superuser and not admin.user_permissions.exists()
    analyst = person(Role.ANALYST)
    client = signed_in(admin)
    index = client.get("/admin/")
    assert index.status_code == 200
    assert b"/admin/auth/user/" in index.content
    listing = client.get("/admin/auth/user/")
    assert listing.status_code == 200
    assert analyst.username.encode() in listing.content
    assert b"Performance analyst" in listing.content

    page = client.get(f"/admin/auth/user/{analyst.pk}/change/")
    assert page.status_code == 200
    assert b'name="profile-0-role"' in page.content


def test_an_administrator_adds_an_account(person):
    client = signed_in(person(Role.ADMINISTRATOR))
    assert client.get("/admin/auth/user/add/").status_code == 200
    response = client.post(
        "/admin/auth/user/add/",
        {
            "username": "new-team-manager",
            "usable_password": "true",
            "password1": "a long enough password for tests",
            "password2": "a long enough password for tests",
            "profile-TOTAL_FORMS": "1",
            "profile-INITIAL_FORMS": "0",
            "profile-MIN_NUM_FORMS": "0",
            "profile-MAX_NUM_FORMS": "1",
            "profile-0-role": "team_manager",
            "profile-0-teams": '["T1"]',
            "profile-0-service_areas": "[]",
        },
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    user = User.objects.get(username="new-team-manager")
    assert user.password.startswith("argon2")
    assert Profile.objects.get(user=user).role == "team_manager"
    assert Profile.objects.get(user=user).teams == ["T1"]


def test_no_other_role_gets_into_the_admin_site(person):
    for role in sorted(set(Role) - {Role.ADMINISTRATOR}):
        user = person(role)
        user.is_staff = True  # even marked as staff
        user.save()
        response = signed_in(user).get("/admin/auth/user/")
        assert response.status_code == 302, role
        assert response["Location"].startswith("/admin/login/"), role

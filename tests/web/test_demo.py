"""`clearsight demo` prints one line per demonstration account, exactly as scripts read them."""

import re

from clearsight.web.accounts.roles import Role

LINE = re.compile(r"^account (\S+) (\S+) (\S+)$")


def test_demo_prints_an_account_for_every_role_then_says_they_need_no_second_factor(tmp_path, clearsight):
    # The demo's own database: the embedded default, even when the tests run on PostgreSQL.
    done = clearsight(
        "demo", "--data", tmp_path, "--no-serve", "--scale", "small", env={"DATABASE_URL": None}
    )
    assert done.returncode == 0, done.stderr
    accounts = [LINE.match(line).groups() for line in done.stdout.splitlines() if line.startswith("account ")]
    roles = [role for role, _, _ in accounts]
    assert set(roles) == {role.value for role in Role}
    assert roles.count("team_manager") == 2
    assert len({username for _, username, _ in accounts}) == len(accounts)
    assert all(len(password) >= 16 for _, _, password in accounts)
    assert "without a second factor" in done.stderr

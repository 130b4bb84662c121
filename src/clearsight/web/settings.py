"""The web app's settings, read from the environment here and nowhere else.

Embedded default (an analyst's laptop): nothing to set. The app database is a SQLite file under the
data root, the secret key is made once and kept beside it (readable by its owner only), and the
server listens on 127.0.0.1 only.

A council deployment sets `CLEARSIGHT_DEPLOYMENT=council`; start-up then stops unless the secret key,
the database URL, the data root and the allowed hosts are all given (never a placeholder).

| variable | meaning | default |
|---|---|---|
| `DATABASE_URL` | the app database (users, access log, plan) | `sqlite:///<data root>/clearsight.sqlite3` |
| `CLEARSIGHT_SECRET_KEY` | Django's secret key | made once under the data root |
| `CLEARSIGHT_ALLOWED_HOSTS` | comma-separated host names | `127.0.0.1,localhost` |
| `CLEARSIGHT_DATA` | the snapshot root | `./clearsight-data` |
| `CLEARSIGHT_LA` | the council served, when the root holds several | the only one |
| `CLEARSIGHT_DEBUG` | Django's debug mode (`1` to turn on; never in a deployment) | off |
| `CLEARSIGHT_HTTPS` | served over HTTPS by a proxy in front: HTTP redirected | off (on: council) |
| `CLEARSIGHT_OTP_ROLES` | roles needing a second factor (comma-separated; empty: none) | child data, DPO |
| `CLEARSIGHT_SESSION_IDLE_SECONDS` | sign out after this long without a request | 1800 |
| `CLEARSIGHT_SESSION_MAX_SECONDS` | sign out this long after signing in, however active | 36000 |
| `CLEARSIGHT_PROXIES` | reverse proxies in front of the app (the client address is read behind them) | 0 |
| `CLEARSIGHT_LOGIN_FAILURES` | failed sign-ins (per username and address) before a lock-out | 5 |
| `CLEARSIGHT_LOCKOUT_MINUTES` | how long a lock-out lasts | 15 |
| `CLEARSIGHT_ACKNOWLEDGE_DAYS` | critical exceptions open this long unacknowledged are highlighted | 2 |
| `OIDC_RP_CLIENT_ID` and the other `OIDC_*` | council single sign-on (`accounts/oidc.py`) | off |
| `CLEARSIGHT_OIDC_ROLE_GROUPS` | with single sign-on: `group=role,group=role` (first match wins) | required |
| `CLEARSIGHT_OIDC_GROUPS_CLAIM` | with single sign-on: the claim listing a person's groups | `groups` |
"""

from __future__ import annotations

import os
import secrets
from datetime import timedelta
from pathlib import Path

import dj_database_url
from django.core.exceptions import ImproperlyConfigured
from django.urls import reverse_lazy

from clearsight.paths import data_root
from clearsight.web.accounts.roles import DEFAULT_OTP_ROLES, Role, parse_role_groups

WEB = Path(__file__).resolve().parent
DEPLOYMENT = os.environ.get("CLEARSIGHT_DEPLOYMENT", "embedded")
if DEPLOYMENT not in ("embedded", "council"):
    raise ImproperlyConfigured(f"CLEARSIGHT_DEPLOYMENT must be embedded or council, not {DEPLOYMENT!r}")
COUNCIL = DEPLOYMENT == "council"


def _required(name: str) -> str:
    value = os.environ.get(name, "").strip()
    if not value:
        raise ImproperlyConfigured(f"{name} must be set when CLEARSIGHT_DEPLOYMENT=council")
    return value


def _flag(name: str, default: bool = False) -> bool:
    value = os.environ.get(name)
    if value is None or not value.strip():
        return default
    if value.strip().lower() in ("1", "true", "yes", "on"):
        return True
    if value.strip().lower() in ("0", "false", "no", "off"):
        return False
    raise ImproperlyConfigured(f"{name} must be 1 or 0, not {value!r}")


def _whole(name: str, default: int, unit: str, least: int = 1) -> int:
    """A whole number of `unit`, at least `least`."""
    value = os.environ.get(name, "").strip()
    try:
        number = int(value) if value else default
    except ValueError:
        raise ImproperlyConfigured(f"{name} must be a whole number of {unit}, not {value!r}") from None
    if number < least:
        raise ImproperlyConfigured(f"{name} must be at least {least}")
    return number


def _seconds(name: str, default: int) -> int:
    return _whole(name, default, "seconds")


def _roles(name: str, default: frozenset[Role]) -> frozenset[Role]:
    """Comma-separated role names (empty: none); an unknown name stops start-up, named."""
    value = os.environ.get(name)
    if value is None:
        return default
    roles = set()
    for role in (part.strip().lower() for part in value.split(",")):
        if not role:
            continue
        try:
            roles.add(Role(role))
        except ValueError:
            known = ", ".join(role.value for role in Role)
            raise ImproperlyConfigured(f"{name}: {role!r} is not a role; the roles are {known}") from None
    return frozenset(roles)


def _embedded_secret_key(root: Path) -> str:
    """The embedded app's secret key: made once, kept under the data root, readable by its owner only."""
    path = root / ".clearsight-secret-key"
    if not path.exists():
        root.mkdir(parents=True, exist_ok=True)
        descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(descriptor, "w", encoding="utf-8") as file:
            file.write(secrets.token_urlsafe(50))
    return path.read_text(encoding="utf-8").strip()


CLEARSIGHT_DATA = Path(_required("CLEARSIGHT_DATA")) if COUNCIL else data_root().resolve()
CLEARSIGHT_LA = os.environ.get("CLEARSIGHT_LA") or None  # the council served, when the root holds several
DEBUG = _flag("CLEARSIGHT_DEBUG") and not COUNCIL
SECRET_KEY = (
    _required("CLEARSIGHT_SECRET_KEY")
    if COUNCIL
    else os.environ.get("CLEARSIGHT_SECRET_KEY") or _embedded_secret_key(CLEARSIGHT_DATA)
)
ALLOWED_HOSTS = [
    host.strip()
    for host in (
        _required("CLEARSIGHT_ALLOWED_HOSTS")
        if COUNCIL
        else os.environ.get("CLEARSIGHT_ALLOWED_HOSTS", "127.0.0.1,localhost")
    ).split(",")
    if host.strip()
]
DATABASES = {
    "default": dj_database_url.parse(
        _required("DATABASE_URL")
        if COUNCIL
        else os.environ.get("DATABASE_URL") or f"sqlite:///{CLEARSIGHT_DATA / 'clearsight.sqlite3'}",
        conn_max_age=60,
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # The embedded database is shared by the server's worker processes: a write-ahead log lets readers
    # and a writer work at once, NORMAL syncs it at checkpoints rather than at every commit (a power cut
    # may lose the last commits, never corrupt the file), and writes take their lock when they begin, so
    # two workers never deadlock upgrading a read to a write.
    DATABASES["default"]["OPTIONS"] = {
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
        "transaction_mode": "IMMEDIATE",
    }
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

OIDC_ENABLED = bool(os.environ.get("OIDC_RP_CLIENT_ID"))

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "axes",
    "clearsight.web.accounts",
    "clearsight.web.audit",
    "clearsight.web.dashboard",
    "clearsight.web.dataops",
]
if OIDC_ENABLED:
    INSTALLED_APPS.append("mozilla_django_oidc")

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "clearsight.web.security.HeadersMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django_otp.middleware.OTPMiddleware",
    "clearsight.web.security.SessionLimitMiddleware",
    "django.contrib.auth.middleware.LoginRequiredMiddleware",
    "clearsight.web.security.SecondFactorMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "clearsight.web.urls"
WSGI_APPLICATION = "clearsight.web.wsgi.application"
TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [WEB / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "clearsight.web.accounts.context.account",
            ],
        },
    },
]

AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",  # first, so that a locked-out user is refused before checking
    *(["clearsight.web.accounts.oidc.RoleMappingBackend"] if OIDC_ENABLED else []),
    "django.contrib.auth.backends.ModelBackend",
]
PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 12}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "accounts:login"
LOGIN_REDIRECT_URL = "dashboard:home"
LOGOUT_REDIRECT_URL = "accounts:login"

# "Leaders must know": how long a critical exception may stay open unacknowledged before it is highlighted.
ACKNOWLEDGE_DAYS = _whole("CLEARSIGHT_ACKNOWLEDGE_DAYS", 2, "days", least=0)

# Sessions: an idle limit (the cookie's age, renewed by every request) and an absolute limit from
# signing in (security.SessionLimitMiddleware); closing the browser ends the session too.
SESSION_IDLE_SECONDS = _seconds("CLEARSIGHT_SESSION_IDLE_SECONDS", 1800)
SESSION_MAX_SECONDS = _seconds("CLEARSIGHT_SESSION_MAX_SECONDS", 36000)
SESSION_COOKIE_AGE = SESSION_IDLE_SECONDS
SESSION_SAVE_EVERY_REQUEST = True
SESSION_EXPIRE_AT_BROWSER_CLOSE = True
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_HTTPONLY = True
CSRF_COOKIE_SAMESITE = "Lax"

# How many reverse proxies stand in front of the app: the address a request came from (for the access
# log and sign-in throttling) is then read from X-Forwarded-For, as the outermost of them saw it.
CLEARSIGHT_PROXIES = _whole("CLEARSIGHT_PROXIES", 0, "proxies", least=0)

# Out of debug, cookies are Secure and HTTPS responses carry HSTS. Browsers keep Secure cookies for
# http://127.0.0.1 and http://localhost, so the embedded app works over plain HTTP on this machine.
# Served over HTTPS behind a proxy (CLEARSIGHT_HTTPS): plain HTTP is redirected and the proxy's
# X-Forwarded-Proto believed. Headers that need no HTTPS are always sent (security.HeadersMiddleware
# adds the Content-Security-Policy and others).
HTTPS = _flag("CLEARSIGHT_HTTPS", default=COUNCIL)
SESSION_COOKIE_SECURE = CSRF_COOKIE_SECURE = HTTPS or not DEBUG
SECURE_SSL_REDIRECT = HTTPS
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https") if HTTPS else None
SECURE_HSTS_SECONDS = 0 if DEBUG else 31536000
SECURE_HSTS_INCLUDE_SUBDOMAINS = not DEBUG
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"

# A second factor (TOTP) for the roles that see child-level data; demonstration accounts are exempt.
OTP_ROLES = _roles("CLEARSIGHT_OTP_ROLES", DEFAULT_OTP_ROLES)
OTP_TOTP_ISSUER = "Clearsight"

# Login throttling: after this many failures for one username from one address, a lock-out.
AXES_FAILURE_LIMIT = _whole("CLEARSIGHT_LOGIN_FAILURES", 5, "failures")
AXES_COOLOFF_TIME = timedelta(minutes=_whole("CLEARSIGHT_LOCKOUT_MINUTES", 15, "minutes"))
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_CLIENT_IP_CALLABLE = "clearsight.web.security.client_ip"
AXES_LOCKOUT_TEMPLATE = "accounts/locked.html"
AXES_RESET_ON_SUCCESS = True
AXES_VERBOSE = False

if OIDC_ENABLED:
    # Council single sign-on: every endpoint must be given (the identity provider's discovery document
    # lists them).
    def _oidc(name: str) -> str:
        value = os.environ.get(name, "").strip()
        if not value:
            raise ImproperlyConfigured(f"{name} must be set when OIDC_RP_CLIENT_ID is")
        return value

    OIDC_RP_CLIENT_ID = os.environ["OIDC_RP_CLIENT_ID"]
    OIDC_RP_CLIENT_SECRET = _oidc("OIDC_RP_CLIENT_SECRET")
    OIDC_RP_SIGN_ALGO = os.environ.get("OIDC_RP_SIGN_ALGO", "RS256")
    OIDC_OP_AUTHORIZATION_ENDPOINT = _oidc("OIDC_OP_AUTHORIZATION_ENDPOINT")
    OIDC_OP_TOKEN_ENDPOINT = _oidc("OIDC_OP_TOKEN_ENDPOINT")
    OIDC_OP_USER_ENDPOINT = _oidc("OIDC_OP_USER_ENDPOINT")
    OIDC_OP_JWKS_ENDPOINT = _oidc("OIDC_OP_JWKS_ENDPOINT")
    OIDC_RP_SCOPES = os.environ.get("OIDC_RP_SCOPES", "openid email profile")
    OIDC_USE_PKCE = True
    # The sign-in and callback views, marked public (accounts/oidc.py); a refused sign-in comes back to
    # the sign-in page, which says why.
    OIDC_AUTHENTICATE_CLASS = "clearsight.web.accounts.oidc.AuthenticationRequestView"
    OIDC_CALLBACK_CLASS = "clearsight.web.accounts.oidc.AuthenticationCallbackView"
    LOGIN_REDIRECT_URL_FAILURE = reverse_lazy(LOGIN_URL)
    # Its callbacks have no username: not counted as failed password sign-ins by address.
    AXES_WHITELIST_CALLABLE = "clearsight.web.accounts.oidc.not_throttled"
    # Which identity-provider group gives which role: "group=role,group=role", the first group in
    # this order winning for a person in several (accounts/oidc.py); a bad entry stops start-up.
    CLEARSIGHT_OIDC_GROUPS_CLAIM = os.environ.get("CLEARSIGHT_OIDC_GROUPS_CLAIM", "").strip() or "groups"
    CLEARSIGHT_OIDC_ROLE_GROUPS = os.environ.get("CLEARSIGHT_OIDC_ROLE_GROUPS", "")
    parse_role_groups(CLEARSIGHT_OIDC_ROLE_GROUPS)

STATIC_URL = "/static/"
STATIC_ROOT = None  # WhiteNoise serves from the finders below: nothing to collect
# GOV.UK Frontend, built with the council's look by `make` (web/assets, never committed), then the
# app's own files.
STATICFILES_DIRS = [WEB / "assets", WEB / "static"]
WHITENOISE_USE_FINDERS = True
WHITENOISE_AUTOREFRESH = DEBUG

LANGUAGE_CODE = "en-gb"
TIME_ZONE = "Europe/London"
USE_I18N = False
USE_TZ = True

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    # Request errors are logged without the request's details (paths may hold child identifiers).
    "loggers": {"django.request": {"handlers": ["console"], "level": "ERROR", "propagate": False}},
}

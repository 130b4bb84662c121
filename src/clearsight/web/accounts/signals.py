"""When a person signs in, the time is kept in their session for the absolute time-out
(`security.SessionLimitMiddleware`)."""

from __future__ import annotations

import time

from django.contrib.auth.signals import user_logged_in
from django.dispatch import receiver

SIGNED_IN_AT = "clearsight_signed_in_at"


@receiver(user_logged_in)
def _remember_sign_in(sender: object, request: object, user: object, **kwargs: object) -> None:
    if request is not None and hasattr(request, "session"):
        request.session[SIGNED_IN_AT] = time.time()

"""The WSGI application `clearsight serve` runs under gunicorn."""

import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "clearsight.web.settings")
application = get_wsgi_application()

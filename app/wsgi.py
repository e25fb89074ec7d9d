"""The WSGI entry point for Zappa (`app_function`) and any WSGI server: `app.wsgi:app`."""
from . import create_app

app = create_app()

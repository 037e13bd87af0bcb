"""gunicorn settings for `make run` and production; PORT/HOST come from the command line or env."""

import gc
import multiprocessing
import os

workers = int(os.environ.get("WEB_CONCURRENCY", multiprocessing.cpu_count() * 2 + 1))
threads = int(os.environ.get("GUNICORN_THREADS", 2))
timeout = 30
graceful_timeout = 20
# Access log lines hold the path only: our paths never carry personal data, and no query holds any.
accesslog = "-"
access_log_format = '%(h)s "%(m)s %(U)s" %(s)s %(B)s %(M)sms'
errorlog = "-"

# The app loads once in the master and each worker is forked from it, so the code, content and search index
# they all hold stay shared pages (benchmarks/load.py measures it), and a restarted worker is ready at once.
preload_app = True


def _komek_app(server):
    """The loaded Komek app (None for another app served with this file: benchmarks/bare_app.py)."""
    app = server.app.wsgi()
    return app if "komek_db" in getattr(app, "extensions", {}) else None


def when_ready(server):
    # After the app is loaded, before the first fork: warm it, then freeze what exists, so the workers'
    # garbage collector never touches (and so never copies) the shared pages.
    if app := _komek_app(server):
        from app import warm_up

        warm_up(app)
    gc.freeze()


def post_fork(server, worker):
    # A forked worker opens its own database connections, never the master's (SQLAlchemy's rule for fork).
    if app := _komek_app(server):
        app.extensions["komek_db"].kw["bind"].dispose(close=False)

"""gunicorn's settings for `make run` and for production:
`gunicorn -c python:ninhaoban.gunicorn_conf ninhaoban.wsgi:application`.

Read from the same environment as the Django settings (NHB_BIND, NHB_WEB_WORKERS).
"""

import gc
import os

bind = [os.environ.get("NHB_BIND") or "127.0.0.1:8000"]
# gunicorn's own rule of thumb for sync workers: two per core plus one.
workers = int(os.environ.get("NHB_WEB_WORKERS") or 2 * (os.cpu_count() or 1) + 1)
accesslog = "-"
# gunicorn's default line holds the whole request line and the Referer, query strings
# included; a query string can carry an ID number or a phone typed into a search box. The
# path is enough to follow a request, so query strings stay out of the log.
access_log_format = '%(h)s %(l)s %(u)s %(t)s "%(m)s %(U)s %(H)s" %(s)s %(b)s "%(a)s" %(L)s'
graceful_timeout = 10
# gunicorn's control socket defaults to one path per user, which two instances on one
# machine (a second deployment, the tests) would fight over.
control_socket_disable = True


def worker_exit(server: object, worker: object) -> None:
    """A worker's last garbage collection walks every object of the search index and the
    segmenter's dictionary, copying each memory page it shares with the master: seconds of
    CPU per worker at every stop, for memory the kernel frees anyway."""
    gc.freeze()

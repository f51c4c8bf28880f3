"""gunicorn for filmsite behind nginx (deploy/nginx/filmsite.conf; docs/operations.md, "The
front: nginx before gunicorn"): gunicorn -c deploy/gunicorn.conf.py filmsite.wsgi

Any setting can be changed on the command line (--bind, --workers) or with GUNICORN_CMD_ARGS.
"""

import os

# Only nginx talks to gunicorn: on the loopback, never on a public address.
bind = "127.0.0.1:8000"

# Two workers for a 2-core machine (WEB_CONCURRENCY changes it), of 4 threads each: a page is
# mostly Python, which one thread of a worker runs at a time, so threads add little speed,
# but a request for /healthz finds a free thread instead of waiting for a render to end
# (measured: docs/operations.md, "The front"). nginx in front reads slow clients whole, so
# no thread waits on one; its gate lets 3 requests a worker through. A worker takes no more
# connections than it has threads: the others wait in the socket's queue for any free worker.
workers = int(os.environ.get("WEB_CONCURRENCY", "2"))
worker_class = "gthread"
threads = 4
worker_connections = 4

# A worker silent for longer is killed. With threads, that is a worker whose main loop is
# stuck, not a slow request: a request's time is bounded by PostgreSQL, which stops any one
# statement at 10 s (DATABASE_STATEMENT_TIMEOUT, a 503 page), and by nginx, which gives up
# after 35 s (its 502 page).
timeout = 30
# On a restart or a reload, a worker finishes the request in hand for up to this long.
graceful_timeout = 30

# A worker is replaced after about 1,000 requests, at a different count for each worker so
# that they do not restart together: whatever a worker's memory grows by (a sitemap's render,
# fragmentation) is given back, and each stays under the 150 MB of issue 6.
max_requests = 1000
max_requests_jitter = 100

# The same bounds as nginx's (client_header_buffer_size, large_client_header_buffers), so
# that nginx, which answers first, refuses with its page; these hold if gunicorn is reached
# directly.
limit_request_line = 8190
limit_request_fields = 100
limit_request_field_size = 8190

# The heartbeat file on memory, not on a disk that may stall and get workers killed.
worker_tmp_dir = "/dev/shm"

# nginx on the same host sets X-Forwarded-Proto; gunicorn trusts it from there only.
forwarded_allow_ips = "127.0.0.1"

# One line a request on standard output, with nginx's request id (X-Request-ID) to find the
# same request in nginx's log.
accesslog = "-"
access_log_format = '%(h)s "%(r)s" %(s)s %(b)s %(M)sms id=%({x-request-id}i)s'


def child_exit(server, worker):
    """With PROMETHEUS_MULTIPROC_DIR, each worker writes its metrics there: a worker gone
    (max_requests, a restart) is told to prometheus_client, so that its gauges are dropped."""
    if os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
        from prometheus_client import multiprocess

        multiprocess.mark_process_dead(worker.pid)

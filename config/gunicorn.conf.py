"""Gunicorn settings for the web app. Override with GUNICORN_* or -b on the command line."""

import multiprocessing
import os

from alerts.core.log import configure_logging

bind = os.environ.get("ALERTS_WEB_BIND", "127.0.0.1:5000")
# Webhooks are short and I/O bound; threads keep memory low on small hosts.
workers = int(os.environ.get("ALERTS_WEB_WORKERS", min(4, multiprocessing.cpu_count() * 2)))
# Each open console page holds one thread for its live stream (server-sent events,
# recycled every 5 minutes). Size workers x threads for the consoles open at once
# plus room for webhooks: 4 x 16 serves about 40 consoles and a flood of SMS.
threads = int(os.environ.get("ALERTS_WEB_THREADS", 16))
worker_class = "gthread"
timeout = 30
graceful_timeout = 20
# Behind a TLS-terminating proxy, the app still signs against ALERTS_PUBLIC_URL.
forwarded_allow_ips = os.environ.get("ALERTS_FORWARDED_ALLOW_IPS", "127.0.0.1")
accesslog = "-"
# Query strings never hold numbers, but keep the access log to method, path and status.
access_log_format = '%(h)s "%(m)s %(U)s" %(s)s %(b)s %(L)ss'
errorlog = "-"
# gunicorn's control socket defaults to one path per user, which several servers
# on one host (tests, benchmarks, staging) would fight over. We manage processes
# with signals, so it is not needed.
control_socket_disable = True


def post_fork(server, worker):
    # Logging is set up per process, with the number-redacting filter.
    configure_logging(os.environ.get("ALERTS_LOG_LEVEL", "INFO"))

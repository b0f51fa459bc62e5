"""The benchmark's services: its own PostgreSQL database, its own Redis database, and gunicorn.

The environment is the one production reads (config/settings/production.py), pointed at
sx_bench_http and Redis database 14; the settings module adds only the URLconf.
"""

import os
import signal
import socket
import subprocess
import sys
import time
import urllib.parse
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent.parent
VAR = ROOT / "var" / "bench_http"
DATABASE_NAME = "sx_bench_http"
POSTGRES = os.environ.get("BENCH_POSTGRES_URL", "postgres://postgres@127.0.0.1:5432")
REDIS_URL = os.environ.get("BENCH_REDIS_URL", "redis://127.0.0.1:6379/14")

# Two cores: two sync-like processes per core would idle while PostgreSQL answers, so
# threads overlap the waits; 4 processes x 4 threads serve the 16 connections at once.
WORKERS = 4
THREADS = 4


def environment() -> dict:
    """What production needs (secret key, hosts, Redis, mail, database), and the benchmark's settings."""
    return {
        "DJANGO_SETTINGS_MODULE": "bench.http.settings",
        "DJANGO_SECRET_KEY": "bench-http-not-a-secret-" + "x" * 40,
        "DJANGO_ALLOWED_HOSTS": "bench.local,127.0.0.1,localhost",
        "DATABASE_URL": f"{POSTGRES}/{DATABASE_NAME}",
        "REDIS_URL": REDIS_URL,
        "EMAIL_URL": "consolemail://",
        "DJANGO_STATIC_ROOT": str(VAR / "static"),
    }


def _maintenance_connection():
    import psycopg2

    parsed = urllib.parse.urlparse(POSTGRES)
    connection = psycopg2.connect(
        host=parsed.hostname,
        port=parsed.port or 5432,
        user=parsed.username,
        password=parsed.password,
        dbname="postgres",
    )
    connection.autocommit = True
    return connection


def database_recreate() -> None:
    connection = _maintenance_connection()
    with connection.cursor() as cursor:
        cursor.execute(f"DROP DATABASE IF EXISTS {DATABASE_NAME} WITH (FORCE)")
        cursor.execute(f"CREATE DATABASE {DATABASE_NAME}")
    connection.close()


def database_drop() -> None:
    connection = _maintenance_connection()
    with connection.cursor() as cursor:
        cursor.execute(f"DROP DATABASE IF EXISTS {DATABASE_NAME} WITH (FORCE)")
    connection.close()


def redis_flush() -> None:
    """Empty the benchmark's own Redis database (cache, rate limits, queued Celery messages)."""
    import redis

    redis.Redis.from_url(REDIS_URL).flushdb()


def redis_queued() -> int:
    """Celery messages waiting in the default queue: bookings publish them, no worker runs."""
    import redis

    return redis.Redis.from_url(REDIS_URL).llen("celery")


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


class Gunicorn:
    """gunicorn serving config.wsgi with the benchmark's settings, started and stopped by this process."""

    def __init__(self, *, workers: int = WORKERS, threads: int = THREADS):
        self.workers, self.threads = workers, threads
        self.port = free_port()
        self.process = None
        self.log = VAR / "gunicorn.log"

    @property
    def description(self) -> str:
        return f"gunicorn {self.workers} workers x {self.threads} threads (gthread), keep-alive"

    def start(self) -> None:
        VAR.mkdir(parents=True, exist_ok=True)
        command = [
            str(Path(sys.executable).parent / "gunicorn"),
            "config.wsgi:application",
            f"--bind=127.0.0.1:{self.port}",
            f"--workers={self.workers}",
            "--worker-class=gthread",
            f"--threads={self.threads}",
            "--keep-alive=30",
            "--backlog=2048",
            "--log-level=warning",
            f"--error-logfile={self.log}",
        ]
        self.process = subprocess.Popen(command, cwd=ROOT, env={**os.environ, **environment()})  # noqa: S603
        self._wait_ready()

    def _wait_ready(self, timeout: float = 60.0) -> None:
        deadline = time.monotonic() + timeout
        request = b"GET /bench-baseline/page/?bytes=500 HTTP/1.1\r\nHost: bench.local\r\nX-Forwarded-Proto: https\r\n"
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"gunicorn exited ({self.process.returncode}); see {self.log}")
            try:
                with socket.create_connection(("127.0.0.1", self.port), timeout=2) as sock:
                    sock.sendall(request + b"Connection: close\r\n\r\n")
                    if sock.recv(64).startswith(b"HTTP/1.1 200"):
                        return
            except OSError:
                pass
            time.sleep(0.3)
        raise RuntimeError(f"gunicorn did not answer within {timeout:.0f} s; see {self.log}")

    def stop(self) -> None:
        if self.process is None or self.process.poll() is not None:
            return
        self.process.send_signal(signal.SIGTERM)  # gunicorn's graceful stop, workers included
        try:
            self.process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()

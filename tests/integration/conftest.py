"""A real Celery worker process, a private redis-server and the pytest run's PostgreSQL database.

- `redis_server`: a redis-server of our own on a free port (never the shared one, which
  these tests stop and start);
- `worker()`: `celery -A config worker` (solo pool, or prefork with one child) in a subprocess with
  config.settings.integration, pointed at pytest-django's test database and at that
  Redis; its emails become .eml files in `mailbox`;
- `broker`: this process's Celery app publishing to the same Redis, not eager.

The tests use `transactional_db`: the worker reads only what the test committed.
Every wait polls with a deadline; nothing sleeps for a fixed long time.
"""

import os
import shutil
import signal
import socket
import subprocess
import sys
import time
import uuid
from email import policy
from email.parser import BytesParser
from pathlib import Path

import pytest
import redis
from django.db import connection
from kombu import pools as kombu_pools

from config.celery import app

ROOT = Path(__file__).resolve().parents[2]
CELERY = Path(sys.executable).with_name("celery")
WAIT = 30  # seconds: the longest any single wait may take on a busy CI machine


def wait_for(predicate, *, timeout=WAIT, what="the condition", every=0.1):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        result = predicate()
        if result:
            return result
        time.sleep(every)
    raise AssertionError(f"timed out after {timeout}s waiting for {what}")


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class RedisServer:
    def __init__(self, workdir: Path):
        self.port = _free_port()
        self.url = f"redis://127.0.0.1:{self.port}/0"
        self.workdir = workdir
        self.process = None

    def start(self):
        binary = shutil.which("redis-server")
        if binary is None:
            pytest.fail("redis-server is needed for the integration tests")
        self.process = subprocess.Popen(  # noqa: S603 - our own command line
            [binary, "--port", str(self.port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no"],
            cwd=self.workdir,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        client = redis.Redis.from_url(self.url)
        wait_for(lambda: _pings(client), what="redis-server to answer")

    def stop(self):
        if self.process and self.process.poll() is None:
            self.process.terminate()
            self.process.wait(timeout=WAIT)

    def client(self):
        return redis.Redis.from_url(self.url)


def _pings(client) -> bool:
    try:
        return client.ping()
    except redis.ConnectionError:
        return False


@pytest.fixture(scope="module")
def redis_server(tmp_path_factory):
    server = RedisServer(tmp_path_factory.mktemp("redis"))
    server.start()
    yield server
    server.stop()


@pytest.fixture
def mailbox(tmp_path):
    folder = tmp_path / "mail"
    folder.mkdir()
    return Mailbox(folder)


class Mailbox:
    def __init__(self, folder: Path):
        self.folder = folder

    def messages(self) -> list[dict]:
        """Each email as {"to", "subject", "body"} (the text part)."""
        parsed = []
        for path in sorted(self.folder.glob("*.eml")):
            message = BytesParser(policy=policy.default).parsebytes(path.read_bytes())
            body = message.get_body(preferencelist=("plain",))
            parsed.append(
                {
                    "to": str(message["To"]),
                    "subject": str(message["Subject"]),
                    "body": body.get_content() if body else "",
                }
            )
        return parsed

    def count(self) -> int:
        return len(list(self.folder.glob("*.eml")))

    def wait_for_count(self, count: int, timeout=WAIT) -> list[dict]:
        wait_for(lambda: self.count() >= count, timeout=timeout, what=f"{count} email(s) in {self.folder}")
        return self.messages()

    def close_gate(self):
        (self.folder / "gate").touch()

    def open_gate(self):
        (self.folder / "gate").unlink(missing_ok=True)

    def someone_is_sending(self) -> bool:
        return any(self.folder.glob("sending-*"))


def _test_database_url() -> str:
    settings = connection.settings_dict
    assert connection.vendor == "postgresql", "the integration tests need PostgreSQL (DATABASE_URL)"
    credentials = settings["USER"] + (f":{settings['PASSWORD']}" if settings["PASSWORD"] else "")
    return f"postgres://{credentials}@{settings['HOST'] or '127.0.0.1'}:{settings['PORT'] or 5432}/{settings['NAME']}"


class Worker:
    def __init__(self, *, redis_url: str, mailbox: Mailbox, log: Path, beat: bool = False, pool: str = "solo"):
        env = os.environ | {
            "DJANGO_SETTINGS_MODULE": "config.settings.integration",
            "DATABASE_URL": _test_database_url(),
            "REDIS_URL": redis_url,
            "INTEGRATION_MAILBOX_DIR": str(mailbox.folder),
            "PYTHONUNBUFFERED": "1",
        }
        command = [
            str(CELERY),
            "-A",
            "config",
            "worker",
            # prefork: the task runs in a child process while the parent acknowledges;
            # solo runs it in the one process, whose event loop (and so any early
            # acknowledgement) waits for the task.
            f"--pool={pool}",
            "--concurrency=1",
            "--loglevel=INFO",
            f"--hostname=integration-{uuid.uuid4().hex[:8]}@%h",
            "--without-gossip",
            "--without-mingle",
            "--without-heartbeat",
        ]
        if beat:
            command += ["--beat", f"--schedule={log.parent / 'beat-schedule'}"]
        self.log = log
        self.process = subprocess.Popen(  # noqa: S603 - our own command line
            command,
            cwd=ROOT,
            env=env,
            stdout=log.open("w"),
            stderr=subprocess.STDOUT,
            start_new_session=True,  # its own process group: killed as a whole, beat included
        )
        try:
            wait_for(lambda: self._ready(), what="the Celery worker to be ready")
        except AssertionError:
            self.kill()
            raise AssertionError(f"the worker did not start:\n{self.tail()}") from None

    def _ready(self) -> bool:
        if self.process.poll() is not None:
            raise AssertionError(f"the worker exited:\n{self.tail()}")
        return " ready." in self.log.read_text(errors="replace")

    def tail(self, lines=40) -> str:
        return "\n".join(self.log.read_text(errors="replace").splitlines()[-lines:])

    def is_parent_of(self, pid: int) -> bool:
        # /proc/<pid>/stat: "pid (comm) state ppid ..."; comm may hold spaces, so split after ")".
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        return int(fields[1]) == self.process.pid

    def kill(self, sig=signal.SIGKILL):
        if self.process.poll() is None:
            os.killpg(self.process.pid, sig)
            self.process.wait(timeout=WAIT)


@pytest.fixture
def worker(transactional_db, redis_server, mailbox, tmp_path):
    """Start workers with worker(); each is killed (process group) at teardown, before the database flush."""
    started = []

    def start(**kwargs):
        process = Worker(
            redis_url=redis_server.url, mailbox=mailbox, log=tmp_path / f"worker-{len(started)}.log", **kwargs
        )
        started.append(process)
        return process

    yield start
    for process in started:
        process.kill()


def _reset_broker_connections():
    # The app caches its connection and producer pools; drop them so the next
    # publish connects to the broker configured now.
    kombu_pools.reset()  # closes the pools and forgets them, keyed by connection
    app._pool = None
    if "amqp" in app.__dict__:
        app.amqp._producer_pool = None


@pytest.fixture
def broker(redis_server):
    """This process publishes to the private Redis and does not run tasks itself."""
    saved = {key: app.conf[key] for key in ("broker_url", "broker_transport_options", "task_always_eager")}
    app.conf.update(
        broker_url=redis_server.url,
        broker_transport_options={"visibility_timeout": 4, "socket_connect_timeout": 2},
        task_always_eager=False,
    )
    _reset_broker_connections()
    client = redis_server.client()
    client.flushdb()
    yield client
    app.conf.update(saved)
    _reset_broker_connections()


def broker_is_idle(client) -> bool:
    """No message waiting in the queue and none taken but unacknowledged."""
    return client.llen("celery") == 0 and client.hlen("unacked") == 0

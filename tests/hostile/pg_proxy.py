"""A PostgreSQL server that can go away: a Unix-socket relay in front of the
test run's one server (tests/postgres_server.py). ``stop()`` drops every
relayed connection and stops listening, so a client sees what it sees when
the server is shut down or the network goes: its connection ends and no new
one can be opened. The real server (shared by every test) keeps running."""

from __future__ import annotations

import contextlib
import glob
import os
import socket
import tempfile
import threading
from urllib.parse import parse_qs, urlsplit


def _server_socket(admin_uri: str) -> str:
    host = parse_qs(urlsplit(admin_uri).query)["host"][0]
    found = [p for p in glob.glob(os.path.join(host, ".s.PGSQL.*")) if not p.endswith(".lock")]
    assert len(found) == 1, found
    return found[0]


class ServerProxy:
    def __init__(self, admin_uri: str) -> None:
        self._target = _server_socket(admin_uri)
        self.folder = tempfile.mkdtemp(prefix="cpx", dir="/tmp")  # short: a socket path holds ~100 bytes
        os.chmod(self.folder, 0o755)
        self._listener = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        self._listener.bind(os.path.join(self.folder, os.path.basename(self._target)))
        self._listener.listen(16)
        self._open: list[socket.socket] = []
        self._lock = threading.Lock()
        self._stopped = False
        threading.Thread(target=self._accept, daemon=True).start()

    def url(self, database_uri: str) -> str:
        """``database_uri`` (a database of the real server) reached through the relay."""
        parts = urlsplit(database_uri)
        return f"{parts.scheme}://{parts.netloc}{parts.path}?host={self.folder}"

    def _accept(self) -> None:
        while True:
            try:
                client, _ = self._listener.accept()
            except OSError:
                return
            server = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
            try:
                server.connect(self._target)
            except OSError:
                client.close()
                continue
            with self._lock:
                if self._stopped:
                    client.close()
                    server.close()
                    return
                self._open += [client, server]
            for a, b in ((client, server), (server, client)):
                threading.Thread(target=self._pump, args=(a, b), daemon=True).start()

    @staticmethod
    def _pump(src: socket.socket, dst: socket.socket) -> None:
        try:
            while data := src.recv(65536):
                dst.sendall(data)
        except OSError:
            pass
        for s in (src, dst):
            with contextlib.suppress(OSError):
                s.shutdown(socket.SHUT_RDWR)

    def stop(self) -> None:
        """The server is gone: every connection through the relay ends, no new one opens."""
        with self._lock:
            self._stopped = True
            sockets, self._open = self._open, []
        with contextlib.suppress(OSError):
            self._listener.shutdown(socket.SHUT_RDWR)
        self._listener.close()
        for path in glob.glob(os.path.join(self.folder, ".s.PGSQL.*")):
            os.unlink(path)
        for s in sockets:
            with contextlib.suppress(OSError):
                s.shutdown(socket.SHUT_RDWR)
            s.close()

    def close(self) -> None:
        if not self._stopped:
            self.stop()
        with contextlib.suppress(OSError):
            os.rmdir(self.folder)

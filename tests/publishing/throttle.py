"""A loopback TCP relay in front of a live CKAN that slows uploads down, or cuts them off.

Slow uploads let a test kill the publish command while a file is really on the wire; a cut-off
connection stands for a network failure half-way through a month. On loopback the kernel would
still deliver what a killed process had already handed to its socket (up to megabytes), so
``abort()`` drops the relay's connections the way a dead machine or network would: the server
gets only the bytes forwarded so far.
"""

from __future__ import annotations

import socket
import struct
import threading
import time

from tests.live_ckan import free_port

CHUNK = 8192


class SlowRelay:
    """Forwards ``127.0.0.1:port`` to ``upstream_port``; client-to-server bytes at ``bytes_per_second``."""

    def __init__(self, upstream_port: int, bytes_per_second: int = 0, cut_after_bytes: int | None = None) -> None:
        self.upstream_port = upstream_port
        self.bytes_per_second = bytes_per_second
        self.cut_after_bytes = cut_after_bytes
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.bytes_up = 0  # client-to-server bytes received over all connections
        self.bytes_forwarded = 0  # of those, the bytes the server has been sent
        self._connections: list[socket.socket] = []
        self._lock = threading.Lock()
        self._listener = socket.create_server(("127.0.0.1", self.port))
        self._closed = False
        threading.Thread(target=self._accept, daemon=True).start()

    def close(self) -> None:
        self._closed = True
        self._listener.close()

    def abort(self) -> None:
        """Reset every connection now; bytes not yet forwarded are lost."""
        self.close()
        for connection in self._connections:
            try:
                connection.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
                # shutdown() wakes the relay thread blocked on this socket; close() alone would not.
                connection.shutdown(socket.SHUT_RDWR)
                connection.close()
            except OSError:
                pass

    def _accept(self) -> None:
        while not self._closed:
            try:
                client, _ = self._listener.accept()
            except OSError:
                return
            upstream = socket.create_connection(("127.0.0.1", self.upstream_port))
            self._connections += [client, upstream]
            threading.Thread(target=self._pump, args=(client, upstream, True), daemon=True).start()
            threading.Thread(target=self._pump, args=(upstream, client, False), daemon=True).start()

    def _pump(self, source: socket.socket, target: socket.socket, upward: bool) -> None:
        try:
            while True:
                data = source.recv(CHUNK)
                if not data:
                    break
                if upward:
                    with self._lock:
                        self.bytes_up += len(data)
                        cut = self.cut_after_bytes is not None and self.bytes_up > self.cut_after_bytes
                    if cut:
                        break
                    if self.bytes_per_second:
                        time.sleep(len(data) / self.bytes_per_second)
                if self._closed and upward:
                    break
                target.sendall(data)
                if upward:
                    with self._lock:
                        self.bytes_forwarded += len(data)
        except OSError:
            pass
        finally:
            for end in (source, target):
                try:
                    end.shutdown(socket.SHUT_RDWR)
                except OSError:
                    pass
                end.close()

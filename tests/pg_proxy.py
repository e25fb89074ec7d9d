"""A TCP relay between the app and PostgreSQL that can lose the next COMMIT, or only its answer, as a
network partition would at the worst moment. Bytes pass unchanged otherwise (no TLS: a loopback server).

    proxy = PgProxy(pg.port).start()   # then connect to proxy.url("db")
    proxy.lose_next_commit("answer")   # the server commits; the client never hears back
    proxy.lose_next_commit("commit")   # the COMMIT never arrives; the server rolls back when the link drops
"""
import socket
import threading

COMMIT = b"Q\x00\x00\x00\x0bCOMMIT\x00"  # psycopg2's commit: a simple Query message


class PgProxy:
    def __init__(self, server_port: int):
        self.server_port = server_port
        self._listener = socket.create_server(("127.0.0.1", 0))
        self.port = self._listener.getsockname()[1]
        self._armed, self._lock = None, threading.Lock()
        self.triggered = threading.Event()

    def url(self, database: str) -> str:
        return f"postgresql://postgres@127.0.0.1:{self.port}/{database}"

    def start(self) -> "PgProxy":
        threading.Thread(target=self._accept, daemon=True).start()
        return self

    def stop(self) -> None:
        self._listener.close()

    def lose_next_commit(self, what: str) -> None:
        assert what in ("answer", "commit")
        with self._lock:
            self._armed = what
            self.triggered.clear()

    def _take(self, chunk: bytes):
        with self._lock:
            if self._armed and COMMIT in chunk:
                what, self._armed = self._armed, None
                return what
        return None

    def _accept(self) -> None:
        while True:
            try:
                client, _ = self._listener.accept()
            except OSError:
                return
            server = socket.create_connection(("127.0.0.1", self.server_port))
            link = {"deaf": False}
            threading.Thread(target=self._to_server, args=(client, server, link), daemon=True).start()
            threading.Thread(target=self._to_client, args=(server, client, link), daemon=True).start()

    def _to_server(self, client, server, link) -> None:
        try:
            while chunk := client.recv(65536):
                lost = self._take(chunk)
                if lost == "commit":  # never delivered: drop the link, the server aborts the transaction
                    self.triggered.set()
                    break
                server.sendall(chunk)
                if lost == "answer":  # delivered, and whatever the server says from now on is lost
                    link["deaf"] = True
                    self.triggered.set()
        except OSError:
            pass
        _close(client, server)

    def _to_client(self, server, client, link) -> None:
        try:
            while chunk := server.recv(65536):
                if not link["deaf"]:
                    client.sendall(chunk)
        except OSError:
            pass
        _close(client, server)


def _close(*sockets) -> None:
    for each in sockets:
        try:
            each.shutdown(socket.SHUT_RDWR)
        except OSError:
            pass
        each.close()

import socket
import threading

import pytest
from django.core.cache import cache

SECRET = "exchange-test-secret"
KEY_ID = "exdesk"


@pytest.fixture(autouse=True)
def _fresh_cache():
    """Cached accounts and the remembered outage belong to one test."""
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def sandbox_url(tmp_path):
    """A real sandbox exchange over HTTP, on its own fresh database."""
    from exdesk.exchange.sandbox.server import running_sandbox

    with running_sandbox(tmp_path / "sandbox.sqlite3", {KEY_ID: SECRET}) as url:
        yield url


@pytest.fixture
def connected(settings, sandbox_url):
    """exdesk's settings pointed at the sandbox."""
    settings.EXCHANGE_URL = sandbox_url
    settings.EXCHANGE_KEY_ID = KEY_ID
    settings.EXCHANGE_SECRET = SECRET
    settings.EXCHANGE_READ_TIMEOUT = 5
    return sandbox_url


@pytest.fixture
def silent_exchange():
    """A server that accepts connections and never answers: the exchange hangs."""
    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    listener.listen(16)
    held: list[socket.socket] = []
    stop = threading.Event()

    def accept():
        listener.settimeout(0.2)
        while not stop.is_set():
            try:
                conn, _ = listener.accept()
                held.append(conn)
            except OSError:
                continue

    thread = threading.Thread(target=accept, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{listener.getsockname()[1]}/exdesk/v1"
    stop.set()
    thread.join()
    for conn in held:
        conn.close()
    listener.close()


@pytest.fixture
def closed_port_url():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    return f"http://127.0.0.1:{port}/exdesk/v1"

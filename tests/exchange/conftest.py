"""Fixtures for exchange and licences: a sandbox of department systems on a free loopback
port for the whole session, a fresh key folder per test, and the demo sources pointed at it."""

from collections.abc import Iterator

import pytest

from ninhaoban.demo import licences as demo_licences
from ninhaoban.exchange.sandbox.server import SandboxServer, start_in_thread
from ninhaoban.exchange.services import BREAKER


@pytest.fixture(scope="session")
def sandbox() -> Iterator[SandboxServer]:
    server = start_in_thread("127.0.0.1", 0)
    yield server
    server.shutdown()
    server.server_close()


@pytest.fixture(autouse=True)
def _clean_exchange_state(sandbox: SandboxServer, settings, tmp_path) -> Iterator[None]:
    settings.VAR_DIR = tmp_path
    BREAKER.reset()
    with sandbox.state.lock:
        sandbox.state.down.clear()
        sandbox.state.latency_ms = 0
    yield
    BREAKER.reset()


@pytest.fixture
def sources(sandbox: SandboxServer) -> str:
    """Licence types, department sources and self-service rights, against the sandbox."""
    demo_licences.seed_types()
    demo_licences.seed_sources(sandbox.url)
    return sandbox.url

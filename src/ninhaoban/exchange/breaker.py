"""A circuit breaker per department system, held in the process.

After a run of failures the breaker opens and queries fail at once (no waiting on a dead
system) until a cool-down has passed; then one trial query is let through, and its outcome
closes the breaker again or reopens it. The state is per process on purpose: each web
worker learns on its own within a few failures, and nothing is written to the database on
the hot path.
"""

import threading
import time
from dataclasses import dataclass


@dataclass
class _State:
    failures: int = 0
    opened_at: float | None = None
    trial_running: bool = False


class CircuitBreaker:
    def __init__(self, threshold: int, cooldown_s: float) -> None:
        self.threshold = threshold
        self.cooldown_s = cooldown_s
        self._lock = threading.Lock()
        self._states: dict[str, _State] = {}

    def allow(self, key: str) -> bool:
        with self._lock:
            state = self._states.setdefault(key, _State())
            if state.opened_at is None:
                return True
            if time.monotonic() - state.opened_at < self.cooldown_s or state.trial_running:
                return False
            state.trial_running = True
            return True

    def succeeded(self, key: str) -> None:
        with self._lock:
            self._states[key] = _State()

    def failed(self, key: str) -> None:
        with self._lock:
            state = self._states.setdefault(key, _State())
            state.failures += 1
            state.trial_running = False
            if state.failures >= self.threshold or state.opened_at is not None:
                state.opened_at = time.monotonic()

    def is_open(self, key: str) -> bool:
        with self._lock:
            state = self._states.get(key)
            return bool(state and state.opened_at is not None)

    def reset(self) -> None:
        with self._lock:
            self._states.clear()

"""scripts/run-all.sh, run as `make run` runs it: the address it prints is NHB_BIND's, it
stops on SIGTERM (sent to the script, as a service manager does) and on Ctrl-C (SIGINT to
the whole process group, as a terminal does) with exit status 0 and no process left, and
the worker's lines come out once.

The script runs in its own session on free ports, against a SQLite file of its own (never
the test database: the worker would run the sequencer on it).
"""

import os
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest

pytestmark = pytest.mark.slow

ROOT = Path(__file__).resolve().parents[2]
TRIES = 1200  # 0.1 s each: how long the slowest machine may take to start or stop it


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def _listening(port: int) -> bool:
    with socket.socket() as probe:
        return probe.connect_ex(("127.0.0.1", port)) == 0


def _group_alive(pgid: int) -> bool:
    try:
        os.killpg(pgid, 0)
    except ProcessLookupError:
        return False
    return True


def _wait_for(condition, what: str, log: Path) -> None:
    for _ in range(TRIES):
        if condition():
            return
        time.sleep(0.1)
    pytest.fail(f"{what} never happened; the script's output:\n{log.read_text()}")


@pytest.mark.parametrize("how", ["sigterm to the script", "ctrl-c to the group"])
def test_run_all_prints_its_address_and_stops_cleanly(tmp_path, how):
    web, sandbox = _free_port(), _free_port()
    env = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith("NHB_") and key not in {"DATABASE_URL", "REDIS_URL"}
    }
    env.update(
        NHB_VAR_DIR=str(tmp_path / "var"),
        DATABASE_URL=f"sqlite:///{tmp_path / 'db.sqlite3'}",
        NHB_BIND=f"127.0.0.1:{web}",
        NHB_SANDBOX_URL=f"http://127.0.0.1:{sandbox}",
        NHB_WEB_WORKERS="2",
        NHB_HUEY_WORKERS="1",
        PATH=f"{Path(sys.executable).parent}:{env.get('PATH', '')}",
    )
    log = tmp_path / "run-all.log"
    with log.open("w") as out:
        script = subprocess.Popen(
            ["bash", "scripts/run-all.sh"],
            cwd=ROOT,
            env=env,
            stdout=out,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
    try:
        _wait_for(lambda: _listening(web) and _listening(sandbox), "listening on both ports", log)
        _wait_for(lambda: "Huey consumer started" in log.read_text(), "the worker's start", log)
        if how == "sigterm to the script":
            script.send_signal(signal.SIGTERM)
        else:
            os.killpg(script.pid, signal.SIGINT)
        _wait_for(lambda: script.poll() is not None, "the script's end", log)
        _wait_for(lambda: not _group_alive(script.pid), "the end of every child", log)
    finally:
        if _group_alive(script.pid):
            os.killpg(script.pid, signal.SIGKILL)
        script.wait()

    output = log.read_text()
    assert script.returncode == 0, output
    assert f"is at http://127.0.0.1:{web} " in output
    assert ":8000" not in output
    assert "Segmentation fault" not in output
    assert output.count("Huey consumer started") == 1, output

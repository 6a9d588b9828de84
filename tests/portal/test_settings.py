"""Settings come from the environment; checked in a fresh interpreter for each case."""

import json
import os
import subprocess
import sys

SNIPPET = """
import json, django
from django.conf import settings
django.setup()
from huey.contrib.djhuey import HUEY
print(json.dumps({"huey": type(HUEY).__name__, "engine": settings.DATABASES["default"]["ENGINE"],
                  "debug": settings.DEBUG, "hosts": settings.ALLOWED_HOSTS,
                  "options": settings.DATABASES["default"].get("OPTIONS", {})}))
"""


def _settings(tmp_path, **env: str) -> dict:
    clean = {k: v for k, v in os.environ.items() if k not in {"DATABASE_URL", "REDIS_URL"}}
    clean.update(DJANGO_SETTINGS_MODULE="ninhaoban.settings", NHB_VAR_DIR=str(tmp_path), **env)
    out = subprocess.run(
        [sys.executable, "-c", SNIPPET], env=clean, capture_output=True, text=True, check=True
    )
    return json.loads(out.stdout.strip().splitlines()[-1])


def test_defaults_are_embedded(tmp_path):
    found = _settings(tmp_path)
    assert found["huey"] == "SqliteHuey"
    assert found["engine"] == "django.db.backends.sqlite3"
    assert "journal_mode=WAL" in found["options"]["init_command"]
    assert found["debug"] is False
    assert (tmp_path / "secret_key").exists()


def test_postgres_redis_and_hosts_from_the_environment(tmp_path):
    found = _settings(
        tmp_path,
        DATABASE_URL="postgresql://postgres@127.0.0.1:5432/test",
        REDIS_URL="redis://127.0.0.1:6379/0",
        NHB_DEBUG="1",
        NHB_ALLOWED_HOSTS="zwfw.xianning.gov.cn, 127.0.0.1",
        NHB_HUEY_IMMEDIATE="0",
    )
    assert found["huey"] == "RedisHuey"
    assert found["engine"] == "django.db.backends.postgresql"
    assert found["debug"] is True
    assert found["hosts"] == ["zwfw.xianning.gov.cn", "127.0.0.1"]


def test_secret_key_is_generated_once(tmp_path):
    _settings(tmp_path)
    first = (tmp_path / "secret_key").read_text()
    _settings(tmp_path)
    assert (tmp_path / "secret_key").read_text() == first

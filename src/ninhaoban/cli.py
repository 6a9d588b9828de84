"""The `ninhaoban` command: Django's management commands under the project's own name.

`ninhaoban ARGS` and `python -m ninhaoban ARGS` are the same as `manage.py ARGS`, so every
operator script, cron line and README example uses one entry point.
"""

import os
import sys


def main(argv: list[str] | None = None) -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "ninhaoban.settings")
    from django.core.management import execute_from_command_line

    execute_from_command_line(["ninhaoban", *(sys.argv[1:] if argv is None else argv)])

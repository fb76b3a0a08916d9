"""The `bridgeway` console command: Django's manage.py with Bridgeway's settings."""

from __future__ import annotations

import os
import sys


def main() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "bridgeway.settings.dev")
    from django.core.management import execute_from_command_line

    # Django names commands after their module (demo_data.py); accept the hyphenated
    # spelling used in the docs and the Makefile too: `bridgeway demo-data`.
    if len(sys.argv) > 1 and sys.argv[1] in {"demo-data", "demo-logins"}:
        sys.argv[1] = sys.argv[1].replace("-", "_")
    execute_from_command_line(sys.argv)


if __name__ == "__main__":
    main()

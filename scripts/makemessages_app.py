"""Refresh and compile one app's Chinese catalogue: ``python scripts/makemessages_app.py exchanges``.

Django is set up from the project root first and only then does the command move into the app
directory, so an app module named like another app (``exchanges/dataexchange.py``,
``assessment/api.py``) cannot shadow it, and only the app's own files are scanned.
"""

import os
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def main() -> None:
    app = sys.argv[1]
    sys.path.insert(0, str(ROOT))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "intlportal.settings")
    import django
    from django.core.management import call_command

    django.setup()
    (ROOT / app / "locale").mkdir(exist_ok=True)  # else makemessages writes the project catalogue
    os.chdir(ROOT / app)
    call_command("makemessages", locale=["zh_Hans"])
    call_command("compilemessages", locale=["zh_Hans"])


if __name__ == "__main__":
    main()

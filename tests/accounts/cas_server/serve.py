"""Run the test CAS server: ``.venv-cas/bin/python serve.py DATA_DIR``.

Creates its database in DATA_DIR, allows the portal as a service (any address on 127.0.0.1,
localhost or the test client's testserver, with single sign-out and the directory's attributes
released), listens on a free loopback port and writes that port to DATA_DIR/port once it
accepts connections.  Runs until it is terminated.
"""

import os
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
SERVICE_PATTERN = r"^https?://(127\.0\.0\.1|localhost|testserver)(:[0-9]+)?/.*"


def main(data_dir: Path) -> None:
    sys.path.insert(0, str(HERE))
    os.environ["CAS_TEST_SERVER_DIR"] = str(data_dir)
    os.environ["DJANGO_SETTINGS_MODULE"] = "settings"

    import django

    django.setup()
    from cas_server.models import ReplaceAttributName, ServicePattern
    from django.core.management import call_command
    from django.core.servers.basehttp import ThreadedWSGIServer, WSGIRequestHandler
    from django.core.wsgi import get_wsgi_application
    from people import RELEASED_ATTRIBUTES

    call_command("migrate", interactive=False, verbosity=0)
    portal, _ = ServicePattern.objects.get_or_create(
        pattern=SERVICE_PATTERN, defaults={"name": "intlportal", "single_log_out": True})
    for name in RELEASED_ATTRIBUTES:
        ReplaceAttributName.objects.get_or_create(name=name, replace="", service_pattern=portal)

    server = ThreadedWSGIServer(("127.0.0.1", 0), WSGIRequestHandler, ipv6=False)
    server.set_app(get_wsgi_application())
    written = data_dir / "port.tmp"
    written.write_text(str(server.server_port))
    written.rename(data_dir / "port")  # whole, or not at all
    print(f"CAS server on http://127.0.0.1:{server.server_port}/", flush=True)
    server.serve_forever()


if __name__ == "__main__":
    if len(sys.argv) != 2:
        sys.exit("usage: serve.py DATA_DIR")
    main(Path(sys.argv[1]))

import signal
import subprocess
import sys
import time
from typing import Any

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _


class Command(BaseCommand):
    help = "Serve Panah on http://127.0.0.1:PORT with gunicorn, and run the background-task worker beside it."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--port", type=int, default=8000)
        parser.add_argument("--host", default="127.0.0.1")
        parser.add_argument("--workers", type=int, default=2)
        parser.add_argument("--no-worker", action="store_true", help="Do not start the task worker.")

    def handle(self, *args: Any, **options: Any) -> None:
        self.make_ready()
        children: list[subprocess.Popen[bytes]] = []
        if not options["no_worker"]:
            # Work the previous server left running when it stopped will never finish: say so.
            from panah.jobs.services import fail_interrupted

            if interrupted := fail_interrupted():
                self.stdout.write(f"Marked {interrupted} interrupted jobs and imports as failed.")
            worker = [sys.executable, "-m", "panah.cli", "db_worker", "--queue-name", "*"]
            children.append(subprocess.Popen(worker))  # noqa: S603  (our own interpreter, fixed arguments)
        web = [
            sys.executable, "-m", "gunicorn", "panah.wsgi:application",
            # gunicorn's own lines in Panah's log format (JSON in production).
            "--config", "python:panah.ops.gunicorn_conf",
            "--bind", f"{options['host']}:{options['port']}", "--workers", str(options["workers"]),
            "--threads", "4", "--graceful-timeout", "10",
            # Keep an idle connection longer than a person reads a page (1-3 s), or the next click can
            # race the server closing it ("connection reset"); gunicorn's default is 2 s.
            "--keep-alive", "5",
            # No gunicorn access log: it writes query strings (a search for a name puts the name there).
            # Panah logs each request itself, path only (panah/ops/logs.py).
            # A search in Arabic script is 6 bytes a letter once percent-encoded: allow the longest line.
            "--limit-request-line", "8190",
        ]  # fmt: skip
        children.append(subprocess.Popen(web))  # noqa: S603  (our own interpreter, fixed arguments)
        self.stdout.write(f"Panah is at http://{options['host']}:{options['port']}/ — press Ctrl+C to stop.")

        def stop(*_: Any) -> None:
            for child in children:
                if child.poll() is None:
                    child.terminate()

        signal.signal(signal.SIGTERM, stop)
        try:
            while all(child.poll() is None for child in children):
                time.sleep(0.5)
        except KeyboardInterrupt:
            pass
        finally:
            stop()
            for child in children:
                child.wait(timeout=15)
        failed = [c for c in children if c.returncode not in (0, -signal.SIGTERM, None)]
        if failed:
            sys.exit(1)

    def make_ready(self) -> None:
        """What every worker needs before the first request: the shared cache's table and, in production
        (hashed file names from a manifest), the collected static files, or no page can be rendered."""
        call_command("createcachetable", verbosity=0)
        if settings.DEBUG or settings.WHITENOISE_USE_FINDERS:
            return  # served from the apps' folders as they are
        try:
            call_command("collectstatic", interactive=False, verbosity=0)
        except OSError as error:
            raise CommandError(
                _("The static files cannot be written to %(root)s (%(error)s): run `panah collectstatic` as its owner.")
                % {"root": settings.STATIC_ROOT, "error": error.strerror or error}
            ) from error

"""Structured logs: one JSON object a line, one line per request, and no personal data — not even
when a name is in the query string."""

import io
import json
import logging
import sys
from collections.abc import Iterator

import pytest
from django.conf import settings
from django.urls import reverse

from panah.ops.logs import JsonFormatter


@pytest.fixture
def log_output() -> Iterator[io.StringIO]:
    """What the configured console handler writes (settings.LOGGING), captured."""
    handler = next(h for h in logging.getLogger().handlers if h.get_name() == "console")
    captured = io.StringIO()
    previous = handler.setStream(captured)
    try:
        yield captured
    finally:
        handler.setStream(previous)


def _lines(output: io.StringIO) -> list[dict]:
    return [json.loads(line) for line in output.getvalue().splitlines() if line.strip()]


def test_production_logs_are_json_by_default():
    handler = next(h for h in logging.getLogger().handlers if h.get_name() == "console")

    assert not settings.DEBUG
    assert settings.LOG_FORMAT == "json"
    assert isinstance(handler.formatter, JsonFormatter)


def test_a_search_for_a_name_is_logged_without_the_name(client, cast, log_output):
    client.force_login(cast.officer_a)

    response = client.get(reverse("registry:search"), {"q": "Ahmadi Mohammad"}, HTTP_X_REQUEST_ID="probe-0001-abcd")

    assert response.status_code == 200
    assert "Ahmadi" in response.content.decode()  # the name was there to leak
    output = log_output.getvalue()
    assert "Ahmadi" not in output
    assert "Mohammad" not in output
    assert "q=" not in output
    request_line = next(line for line in _lines(log_output) if line["logger"] == "panah.request")
    assert request_line["path"] == reverse("registry:search")
    assert request_line["status"] == 200
    assert request_line["user_id"] == cast.officer_a.pk
    assert request_line["method"] == "GET"
    assert request_line["request_id"] == "probe-0001-abcd" == response["X-Request-ID"]
    assert {"time", "level", "message", "duration_ms"} <= request_line.keys()


def test_a_not_found_warning_carries_neither_query_string_nor_request(client, cast, log_output):
    client.force_login(cast.officer_a)

    response = client.get("/persons/PN-9999999-0/", {"name": "Husseini Zarina"})

    assert response.status_code == 404
    lines = _lines(log_output)
    assert "Husseini" not in log_output.getvalue()
    assert "Zarina" not in log_output.getvalue()
    assert {line["logger"] for line in lines} >= {"panah.request"}
    request_line = next(line for line in lines if line["logger"] == "panah.request")
    assert request_line["status"] == 404
    assert request_line["request_id"] == response["X-Request-ID"]
    assert all(
        set(line)
        <= {
            "time",
            "level",
            "logger",
            "message",
            "request_id",
            "method",
            "path",
            "status",
            "duration_ms",
            "user_id",
            "client",
            "exception",
            "stack",
        }
        for line in lines
    )


def test_an_exception_is_logged_with_its_type_and_stack_but_not_its_message():
    name = "Ahmadi"  # as a database error repeats the value it refused
    try:
        raise ValueError(f"Key (name)=({name}) already exists")
    except ValueError:
        record = logging.getLogger("panah.test").makeRecord(
            "panah.test", logging.ERROR, __file__, 1, "Saving failed", (), exc_info=sys.exc_info()
        )

    line = json.loads(JsonFormatter().format(record))

    assert line["exception"] == "ValueError"
    assert "test_an_exception_is_logged" in line["stack"]
    assert "Ahmadi" not in json.dumps(line)


def test_logging_a_request_costs_no_query(client, db, django_assert_num_queries, log_output):
    with django_assert_num_queries(0):
        response = client.get(reverse("healthz"))

    line = next(line for line in _lines(log_output) if line["logger"] == "panah.request")
    assert response.status_code == 200
    assert "user_id" not in line


def test_gunicorns_own_lines_are_json_as_panah_serve_runs_it(tmp_path):
    """`panah serve` passes panah.ops.gunicorn_conf: gunicorn's start-up and worker lines are JSON too."""
    import os
    import socket
    import subprocess
    import time

    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    env = {**os.environ, "PANAH_DEBUG": "0", "PANAH_LOG_FORMAT": "json", "PANAH_SECRET_KEY": "logs-test-only"}
    log = tmp_path / "gunicorn.log"
    with log.open("w") as out:
        server = subprocess.Popen(  # noqa: S603 - our own interpreter, fixed arguments
            [sys.executable, "-m", "gunicorn", "panah.wsgi:application", "--config", "python:panah.ops.gunicorn_conf",
             "--bind", f"127.0.0.1:{port}", "--workers", "1"],
            env=env, stdout=out, stderr=subprocess.STDOUT, cwd=settings.PROJECT_DIR,
        )  # fmt: skip
        try:
            for _ in range(100):
                if "Booting worker" in log.read_text():
                    break
                time.sleep(0.1)
        finally:
            server.terminate()
            server.wait(timeout=15)
    lines = [json.loads(line) for line in log.read_text().splitlines() if line.strip()]
    assert lines[0]["logger"] == "gunicorn.error" and lines[0]["message"].startswith("Starting gunicorn")
    assert any(line["message"].startswith("Booting worker") for line in lines)

"""gunicorn's own log lines (start-up, workers, errors) in Panah's format: `panah serve` passes this
module as gunicorn's configuration (`-c python:panah.ops.gunicorn_conf`).

gunicorn logs before Django is set up, so the format is chosen from the environment the same way as
in settings.py (PANAH_LOG_FORMAT, else json unless PANAH_DEBUG=1). gunicorn's access log stays off: it
writes query strings, and a search for a name puts the name there (Panah logs requests itself)."""

import os

_debug = os.environ.get("PANAH_DEBUG", "") == "1"
_format = os.environ.get("PANAH_LOG_FORMAT", "plain" if _debug else "json")

logconfig_dict = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {
        "json": {"()": "panah.ops.logs.JsonFormatter"},
        "plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"},
    },
    "handlers": {
        "console": {
            "class": "logging.StreamHandler",
            "formatter": "json" if _format == "json" else "plain",
            "stream": "ext://sys.stderr",
        }
    },
    "loggers": {
        "gunicorn.error": {"handlers": ["console"], "level": "INFO", "propagate": False},
        "gunicorn.access": {"handlers": [], "level": "CRITICAL", "propagate": False},
    },
    "root": {"handlers": ["console"], "level": "WARNING"},
}

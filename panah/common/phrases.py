"""Parameters of stored messages that are themselves words, kept as codes and put into words when read.

Audit entries (`panah.audit.messages`) and background jobs (`panah.jobs.messages`) store what they
say as a code with parameters. A parameter that is a case kind, a document type, a role, a region or a
date is stored through one of the makers here (`label()`, `region()`, `day()`...), and `fill()` renders
it in the active language: so an entry written by a Russian-speaking officer reads in Kazakh for a
Kazakh-speaking auditor. Counts are grouped as the reader's language groups thousands.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from typing import Any

from django.apps import apps
from django.utils import dateformat
from django.utils.formats import number_format
from django.utils.functional import Promise
from django.utils.module_loading import import_string


def label(field: str, value: Any) -> dict[str, Any]:
    """A parameter that is a code of `field` ("app_label.Model.field", or the dotted path of a choices
    enum), rendered as the code's label in the reader's language."""
    return {"label": field, "value": value}


def labels(field: str, values: list[Any]) -> dict[str, Any]:
    """Several codes of `field`, rendered as a list of their labels."""
    return {"labels": field, "values": list(values)}


def region(code: Any) -> dict[str, Any]:
    """A region, by its code, rendered as its name in the reader's language."""
    return {"region": code}


def fields(model: str, names: list[str]) -> dict[str, Any]:
    """Fields of `model` ("app_label.Model"), rendered as their names in the reader's language."""
    return {"fields": model, "names": list(names)}


def step(kind: str, name: str) -> dict[str, Any]:
    """A step of the workflow of cases of `kind`, rendered as the step's label."""
    return {"step": name, "workflow": kind}


def day(value: Any) -> dict[str, Any]:
    """A date, rendered as the reader's language writes dates."""
    return {"date": value.isoformat() if hasattr(value, "isoformat") else str(value)}


def _choices(field: str) -> dict[Any, Any]:
    if field.count(".") == 2 and not field.startswith("panah."):
        app_model, _dot, name = field.rpartition(".")
        return dict(apps.get_model(app_model)._meta.get_field(name).flatchoices)
    return dict(import_string(field).choices)


def _param(value: Any) -> Any:
    if isinstance(value, dict) and "region" in value:
        from panah.geo.models import Region

        found = Region.objects.filter(pk=value["region"]).first()
        return found.name if found else value["region"] or "—"
    if isinstance(value, dict) and "fields" in value:
        meta = apps.get_model(value["fields"])._meta
        names = {f.name: str(getattr(f, "verbose_name", f.name)) for f in meta.get_fields()}
        return ", ".join(names.get(n, n) for n in value["names"])
    if isinstance(value, dict) and "step" in value:
        from panah.cases.workflows import WORKFLOWS

        workflow = WORKFLOWS.get(value["workflow"])
        found_step = workflow.transition(value["step"]) if workflow else None
        return found_step.label if found_step else value["step"]
    if isinstance(value, dict) and "date" in value:
        try:
            return dateformat.format(dt.date.fromisoformat(value["date"]), "d.m.Y")
        except ValueError:
            return value["date"]
    if isinstance(value, dict) and "label" in value:
        return _choices(value["label"]).get(value["value"], value["value"])
    if isinstance(value, dict) and "labels" in value:
        choices = _choices(value["labels"])
        return ", ".join(str(choices.get(v, v)) for v in value["values"]) or "—"
    if isinstance(value, list):
        return ", ".join(str(v) for v in value) or "—"
    if isinstance(value, int) and not isinstance(value, bool) and abs(value) >= 10_000:
        # Grouped only from five digits: four-digit numbers (years, record ids) read better whole.
        return Count(value)
    return value


class Count(int):
    """A count that picks a plural form as a number and prints with the reader's thousands separator
    (1 234 in Kazakh and Russian, 1,234 in English)."""

    def __str__(self) -> str:
        return number_format(int(self), force_grouping=True)


def fill(template: Promise, parameters: Mapping[str, Any] | None = None) -> str:
    """`template` (a lazy, possibly plural, text with %(name)s) filled with `parameters`, in the active
    language. Parameters of an older wording leave the words unfilled rather than fail."""
    values = {key: _param(value) for key, value in (parameters or {}).items()}
    try:
        return str(template % values) if values else str(template)
    except (KeyError, TypeError, ValueError):
        return str(template)

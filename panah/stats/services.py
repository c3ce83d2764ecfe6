"""Publishing statistics releases: frozen parameters, figures and a content hash."""

import hashlib
import json
from typing import Any

from django.db import transaction
from django.utils import timezone

from panah.accounts.models import User
from panah.accounts.scope import unscoped
from panah.audit.models import AuditEntry
from panah.audit.services import record
from panah.stats.models import Release
from panah.stats.tables import Parameters, build_tables


def canonical_json(figures: dict[str, Any]) -> bytes:
    """The bytes a release is hashed and exported from: sorted keys, no spaces, UTF-8."""
    return json.dumps(figures, sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode()


def content_hash(figures: dict[str, Any]) -> str:
    return hashlib.sha256(canonical_json(figures)).hexdigest()


def compute(parameters: Parameters) -> dict[str, Any]:
    with unscoped("aggregate statistics"):
        return build_tables(parameters)


@transaction.atomic
@transaction.atomic
def publish_release(*, by: User, title: str, parameters: Parameters) -> Release:
    """Freeze a set of tables under a citable reference.

    Side effects: one Release (parameters, protected figures, SHA-256 of their canonical JSON);
    one audit entry.
    """
    figures = compute(parameters)
    digest = content_hash(figures)
    sequence = Release.objects.filter(as_of=parameters.as_of).count() + 1
    reference = f"PANAH-{parameters.as_of:%Y%m%d}-{sequence:02d}-{digest[:8]}"
    release = Release.objects.create(
        reference=reference, title=title, as_of=parameters.as_of, known_on=parameters.known_on,
        period_start=parameters.period_start, period_end=parameters.period_end,
        parameters=parameters.to_dict(), figures=figures, content_hash=digest, published_by=by,
    )  # fmt: skip
    record(by=by, action=AuditEntry.Action.EXPORT, obj=release, message="release_published", params={"reference": reference},
           purpose="official statistics release")  # fmt: skip
    return release


def rerun(release: Release) -> tuple[dict[str, Any], str]:
    """Recompute a release from its frozen parameters: the figures and their hash."""
    figures = compute(Parameters.from_dict(release.parameters))
    return figures, content_hash(figures)


def changes_since(release: Release) -> list[dict[str, Any]]:
    """Every published cell whose value differs when the same tables are computed with today's knowledge."""
    parameters = Parameters.from_dict(release.parameters)
    today = compute(
        Parameters(
            as_of=parameters.as_of, known_on=timezone.now(), period_start=parameters.period_start,
            period_end=parameters.period_end, policy=parameters.policy, regions=parameters.regions,
        )
    )  # fmt: skip
    return diff(release.figures["tables"], today["tables"]) + diff(
        {"stock": release.figures["stock"]}, {"stock": today["stock"]}
    )


def diff(old: Any, new: Any, path: tuple[str, ...] = ()) -> list[dict[str, Any]]:
    if isinstance(old, dict) and isinstance(new, dict):
        changes = []
        for key in sorted(set(old) | set(new)):
            changes.extend(diff(old.get(key), new.get(key), (*path, key)))
        return changes
    if old != new:
        return [{"cell": " / ".join(path), "published": old, "today": new}]
    return []

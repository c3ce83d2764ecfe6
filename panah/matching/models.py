"""Duplicate candidates, the reviewers' decisions on them, and merges of duplicate records.

A `CandidatePair` is two Person records that the matcher (the online check at registration or a
batch run) thinks may be one person, with its score and the evidence in words. Reviewers decide
"the same", "not the same" or "unsure"; a pair decided "not the same" is never proposed again
(`services.propose_pairs` skips it). A `Merge` records that one record (`merged`) was folded into
another (`survivor`), with a snapshot of exactly which rows moved, so `services.unmerge` can put
them back.

Both hold personal data about two persons at once (the evidence quotes names), so their default
manager is scoped on both: a pair or a merge is visible only when the open scope covers both records.
"""

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from panah.accounts.scope import current_scope


class BothPersonsScopedManager(models.Manager):
    """Like `accounts.scope.ScopedManager`, for rows about two persons: both must be in the open scope.

    The model names the two lookups to its persons in `person_scope_paths`. With no scope open, a
    query raises `ScopeError`, as every query of personal data does.
    """

    def get_queryset(self) -> models.QuerySet:
        scope = current_scope()
        queryset = super().get_queryset()
        if scope.everything:
            return queryset
        for path in self.model.person_scope_paths:
            queryset = queryset.filter(scope.q(f"{path}__"))
        return queryset


class Source(models.TextChoices):
    ONLINE = "online", _("online check at registration")
    BATCH = "batch", _("batch run")


class PairState(models.TextChoices):
    OPEN = "open", _("to review")
    SAME = "same", _("the same person")
    NOT_SAME = "not_same", _("not the same person")
    UNSURE = "unsure", _("unsure")


class CandidatePair(models.Model):
    """Two records that may be the same person. `left` is always the one with the smaller id."""

    person_scope_paths = ("left", "right")

    left = models.ForeignKey(
        "registry.Person", on_delete=models.CASCADE, related_name="+", verbose_name=_("first record")
    )
    right = models.ForeignKey(
        "registry.Person", on_delete=models.CASCADE, related_name="+", verbose_name=_("second record")
    )
    score = models.FloatField(_("score"), help_text=_("How likely the two records are one person, from 0 to 1."))
    # [[comparison, level, left value, right value], ...], e.g. [["family", "exact", "Ахмади", "Ahmadi"]]:
    # codes put into words in the reader's language by `described_evidence` (comparisons.describe).
    evidence = models.JSONField(_("evidence"), default=list, blank=True)
    source = models.CharField(_("found by"), max_length=10, choices=Source.choices)
    state = models.CharField(_("decision"), max_length=10, choices=PairState.choices, default=PairState.OPEN)
    proposed_at = models.DateTimeField(_("first proposed"), default=timezone.now)
    updated_at = models.DateTimeField(_("last proposed"), default=timezone.now)
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    reviewed_at = models.DateTimeField(_("decided at"), null=True, blank=True)
    note = models.TextField(_("note"), blank=True)

    objects = BothPersonsScopedManager()

    class Meta:
        verbose_name = _("duplicate candidate")
        ordering = ["-score", "id"]
        indexes = [models.Index(fields=["state", "-score", "id"], name="candidatepair_queue")]
        constraints = [
            models.UniqueConstraint(fields=["left", "right"], name="candidatepair_once"),
            models.CheckConstraint(condition=Q(left__lt=F("right")), name="candidatepair_left_before_right"),
            models.CheckConstraint(condition=Q(score__gte=0) & Q(score__lte=1), name="candidatepair_score_0_1"),
        ]

    def __str__(self) -> str:
        return f"{self.left_id}~{self.right_id} {self.score:.2f} {self.state}"

    @property
    def described_evidence(self) -> list[tuple[str, str]]:
        """The evidence as (aspect, phrase), in the active language."""
        from panah.matching.comparisons import describe

        return [describe(item) for item in self.evidence]

    def other(self, person_id: int) -> int:
        return self.right_id if person_id == self.left_id else self.left_id


class Merge(models.Model):
    """`merged` was folded into `survivor`. `snapshot` lists exactly what moved, for unmerge."""

    person_scope_paths = ("survivor", "merged")

    survivor = models.ForeignKey(
        "registry.Person", on_delete=models.PROTECT, related_name="merges_survived", verbose_name=_("surviving record")
    )
    merged = models.ForeignKey(
        "registry.Person", on_delete=models.PROTECT, related_name="merges_undergone", verbose_name=_("merged record")
    )
    pair = models.ForeignKey(CandidatePair, on_delete=models.SET_NULL, null=True, blank=True, related_name="merges")
    by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("by"))
    at = models.DateTimeField(_("merged at"), default=timezone.now)
    reason = models.TextField(_("reason"))
    # {"survivor": {...}, "merged": {...}, "moved": {"registry.PersonName": [ids], ...}, "survivor_before": {...}}
    snapshot = models.JSONField(default=dict)
    undone_at = models.DateTimeField(_("undone at"), null=True, blank=True)
    undone_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    undo_reason = models.TextField(_("reason for undoing"), blank=True)

    objects = BothPersonsScopedManager()

    class Meta:
        verbose_name = _("merge")
        ordering = ["-at", "-id"]
        constraints = [
            models.CheckConstraint(condition=~Q(survivor=F("merged")), name="merge_two_records"),
            # A record is merged away at most once at a time; an undone merge may be followed by another.
            models.UniqueConstraint(fields=["merged"], condition=Q(undone_at__isnull=True), name="merge_once"),
        ]

    def __str__(self) -> str:
        return f"{self.merged_id} → {self.survivor_id} at {self.at:%Y-%m-%d %H:%M}"

    @property
    def is_undone(self) -> bool:
        return self.undone_at is not None


class NameFrequency(models.Model):
    """How many name records of the registry hold a name, by its skeleton, in one name field
    (`column`: a `comparisons.TF_COLUMNS` feature): the term frequencies the online check weighs an
    agreeing name with, counted by the registry-wide batch run on the same records as it scores, so
    both judge "Mohammad Ahmadi, 1990" alike. The row with an empty `value` holds the column's total.
    Written only by `services.record_name_frequencies`; no personal data (counts of names)."""

    column = models.CharField(max_length=20)
    value = models.CharField(max_length=100, blank=True)
    count = models.PositiveIntegerField()

    class Meta:
        constraints = [models.UniqueConstraint(fields=["column", "value"], name="namefrequency_once")]

    def __str__(self) -> str:
        return f"{self.column}={self.value or '*'}: {self.count}"

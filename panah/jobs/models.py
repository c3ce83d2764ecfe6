"""Long work that runs in the background (index rebuilds, imports, deduplication runs) and the
progress people watch while it runs.

django-tasks keeps a task's result but not how far it has got, so each piece of long work has a
`Job` row: created when it is asked for, updated by the task as it goes, read by the job page.
"""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from panah.accounts.permissions import Target


class Job(models.Model):
    class Kind(models.TextChoices):
        REBUILD_STATISTICS = "rebuild_statistics", _("Rebuild the statistics index")
        REINDEX_NAMES = "reindex_names", _("Rebuild the name search index")
        FIND_DUPLICATES = "find_duplicates", _("Look for duplicates across the whole registry")
        IMPORT_PERSONS = "import_persons", _("Import a person file")
        APPLY_RETENTION = "apply_retention", _("Apply the retention rules")

    class State(models.TextChoices):
        QUEUED = "queued", _("Waiting to start")
        RUNNING = "running", _("Running")
        DONE = "done", _("Finished")
        FAILED = "failed", _("Failed")

    kind = models.CharField(_("work"), max_length=40, choices=Kind.choices)
    state = models.CharField(_("state"), max_length=10, choices=State.choices, default=State.QUEUED)
    done = models.PositiveIntegerField(default=0)
    total = models.PositiveIntegerField(null=True)  # unknown until the task has counted its work
    # The outcome, or what went wrong: a code of `panah.jobs.messages` with its parameters (`text`).
    message = models.TextField(blank=True)
    parameters = models.JSONField(default=dict, blank=True)
    requested_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", null=True)
    requested_at = models.DateTimeField(auto_now_add=True)
    started_at = models.DateTimeField(null=True)
    finished_at = models.DateTimeField(null=True)
    task_id = models.CharField(max_length=64, blank=True)

    class Meta:
        ordering = ["-requested_at", "-id"]
        verbose_name = _("background job")

    def __str__(self) -> str:
        return f"{self.get_kind_display()} #{self.pk}"

    @property
    def text(self) -> str:
        """The outcome in the active language."""
        from panah.jobs.messages import render

        return render(self.message, self.parameters) if self.message else ""

    @property
    def finished(self) -> bool:
        return self.state in (self.State.DONE, self.State.FAILED)

    @property
    def percent(self) -> int | None:
        if not self.total:
            return 100 if self.state == self.State.DONE else None
        return min(100, round(100 * self.done / self.total))

    def policy_target(self) -> Target:
        """Who may follow a job: whoever asked for it, and system administrators (FOLLOW_OWN_WORK)."""
        return Target(label=f"jobs.Job:{self.pk}", requested_by_id=self.requested_by_id)

"""Casework: cases and their append-only history, tasks, birth-registration obstacles, and the dated
rules (legal deadlines, eligibility for a residence permit or citizenship) kept as data.

Cases hold personal data: their managers are the fail-closed `ScopedManager`, reaching the person
through `person_scope_path`, so a case is visible exactly when its person is. The rules hold none.
"""

from typing import Any, NoReturn

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from panah.accounts.permissions import Target
from panah.accounts.scope import ScopedManager
from panah.cases.referral_workflow import FINAL as REFERRAL_FINAL
from panah.cases.referral_workflow import ReferralKind, ReferralState
from panah.cases.workflows import WORKFLOWS, CaseKind, state_label
from panah.common.encryption import EncryptedTextField

SINGLE_OPEN_KINDS = [
    CaseKind.ASYLUM.value,
    CaseKind.STATELESSNESS.value,
    CaseKind.NATURALISATION.value,
    CaseKind.BIRTH_REGISTRATION.value,
]


class Case(models.Model):
    person_scope_path = "person"

    person = models.ForeignKey("registry.Person", on_delete=models.PROTECT, related_name="cases")
    kind = models.CharField(_("kind of case"), max_length=20, choices=CaseKind.choices)
    state = models.CharField(_("state"), max_length=30)
    state_since = models.DateField(_("in this state since"))
    opened_on = models.DateField(
        _("opened on"), help_text=_("For an application: the day it was registered. Deadlines run from it.")
    )
    arrival_date = models.DateField(_("arrived in Kazakhstan on"), null=True, blank=True)
    closed_on = models.DateField(_("closed on"), null=True, blank=True)
    # The organisation and region handling the case now; a transfer changes them and leaves a history row.
    organisation = models.ForeignKey(
        "accounts.Organisation", on_delete=models.PROTECT, related_name="+", verbose_name=_("organisation")
    )
    region = models.ForeignKey("geo.Region", on_delete=models.PROTECT, related_name="+", verbose_name=_("region"))
    assigned_to = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("assigned officer"),
    )
    reference = models.CharField(_("file reference"), max_length=60, blank=True)
    # The next legal deadline, recomputed by the services on every change (and by `refresh_deadlines`
    # when a rule changes), so worklists filter and sort in the database.
    due_on = models.DateField(_("next deadline"), null=True, blank=True, db_index=True)
    due_rule = models.CharField(max_length=60, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+")

    objects = ScopedManager()

    class Meta:
        ordering = ["due_on", "id"]
        verbose_name = _("case")
        indexes = [models.Index(fields=["region", "closed_on", "due_on"], name="case_worklist")]
        constraints = [
            models.CheckConstraint(
                condition=Q(closed_on__isnull=True) | Q(closed_on__gte=F("opened_on")), name="case_closed_after_opened"
            ),
            models.CheckConstraint(condition=Q(kind__in=CaseKind.values), name="case_kind_known"),
            # One open procedure of each kind per person; documentation and legal assistance may run side by side.
            models.UniqueConstraint(
                fields=["person", "kind"],
                condition=Q(closed_on__isnull=True) & Q(kind__in=SINGLE_OPEN_KINDS),
                name="case_one_open_procedure_per_kind",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} #{self.pk}"

    @property
    def workflow(self) -> Any:
        return WORKFLOWS[self.kind]

    @property
    def state_label(self) -> str:
        return state_label(self.kind, self.state)

    @property
    def is_open(self) -> bool:
        return self.closed_on is None

    def policy_target(self) -> Target:
        """The case as the authorisation policy reads it: the organisation handling it and where, the
        person it is about, and the partners an accepted referral on it assigns work to."""
        assigned = Referral._base_manager.filter(case_id=self.pk, state=ReferralState.ACCEPTED).values_list(
            "to_organisation_id", flat=True
        )
        return Target(
            label=f"cases.Case:{self.pk}",
            organisation_id=self.organisation_id,
            region_code=self.region_id,
            person=self.person,
            organisation_kind=self.organisation.kind,
            assigned_organisation_ids=frozenset(assigned) if self.pk else frozenset(),
        )


class AppendOnlyQuerySet(models.QuerySet):
    def update(self, **kwargs: Any) -> NoReturn:
        raise TypeError("Case history is append-only.")

    def delete(self) -> NoReturn:
        raise TypeError("Case history is append-only.")


class CaseEvent(models.Model):
    """One row of a case's history: opened, a step of its state machine, a transfer, an assignment, a note.

    Append-only: never changed or deleted, so the history of a case (and of its transfers between
    regions) can always be read back as it happened."""

    class Kind(models.TextChoices):
        OPENED = "opened", _("opened")
        TRANSITION = "transition", _("step")
        TRANSFER = "transfer", _("transferred")
        ASSIGNED = "assigned", _("assigned")
        NOTE = "note", _("note")
        OBSTACLE = "obstacle", _("obstacle")

    person_scope_path = "case__person"

    case = models.ForeignKey(Case, on_delete=models.PROTECT, related_name="events")
    kind = models.CharField(max_length=12, choices=Kind.choices)
    transition = models.CharField(max_length=30, blank=True)
    from_state = models.CharField(max_length=30, blank=True)
    to_state = models.CharField(max_length=30, blank=True)
    from_region = models.ForeignKey("geo.Region", on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    to_region = models.ForeignKey("geo.Region", on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    from_organisation = models.ForeignKey(
        "accounts.Organisation", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    to_organisation = models.ForeignKey(
        "accounts.Organisation", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    assigned_to = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    effective = models.DateField(_("date"))
    recorded_at = models.DateTimeField(default=timezone.now)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    text = EncryptedTextField(_("note"), blank=True)  # encrypted at rest
    decision_reference = models.CharField(_("decision reference"), max_length=100, blank=True)
    status_event = models.OneToOneField(
        "status.StatusEvent", on_delete=models.PROTECT, null=True, blank=True, related_name="case_event"
    )

    objects = ScopedManager.from_queryset(AppendOnlyQuerySet)()

    class Meta:
        ordering = ["recorded_at", "id"]
        verbose_name = _("case history entry")
        verbose_name_plural = _("case history")

    def __str__(self) -> str:
        return f"{self.effective} {self.kind} {self.to_state}"

    def save(self, *args: Any, **kwargs: Any) -> None:
        if self.pk is not None and not kwargs.get("force_insert"):
            raise TypeError("Case history is append-only.")
        super().save(*args, **kwargs)

    def delete(self, *args: Any, **kwargs: Any) -> NoReturn:
        raise TypeError("Case history is append-only.")

    @property
    def from_state_label(self) -> str:
        return state_label(self.case.kind, self.from_state)

    @property
    def to_state_label(self) -> str:
        return state_label(self.case.kind, self.to_state)


class CaseTask(models.Model):
    person_scope_path = "case__person"

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="tasks")
    title = models.CharField(_("task"), max_length=200)
    due_on = models.DateField(_("due on"), null=True, blank=True)
    assigned_to = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    done_on = models.DateField(_("done on"), null=True, blank=True)
    done_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+")

    objects = ScopedManager()

    class Meta:
        ordering = ["done_on", "due_on", "id"]
        verbose_name = _("task")

    def __str__(self) -> str:
        return self.title


class ObstacleKind(models.TextChoices):
    PARENTS_UNDOCUMENTED = "parents_undocumented", _("parents without identity documents")
    NO_MARRIAGE_REGISTRATION = "no_marriage", _("parents' marriage not registered")
    MISSED_DEADLINE = "missed_deadline", _("registration deadline missed")
    NO_MEDICAL_CERTIFICATE = "no_medical_certificate", _("no medical certificate of birth")
    OTHER = "other", _("other")


class BirthObstacle(models.Model):
    """What stands between a child and a birth certificate, from when it was found until it is resolved."""

    person_scope_path = "case__person"

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="obstacles")
    kind = models.CharField(_("obstacle"), max_length=30, choices=ObstacleKind.choices)
    found_on = models.DateField(_("found on"))
    resolved_on = models.DateField(_("resolved on"), null=True, blank=True)
    note = models.CharField(_("note"), max_length=300, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )

    objects = ScopedManager()

    class Meta:
        ordering = ["found_on", "id"]
        verbose_name = _("obstacle to birth registration")
        constraints = [
            models.CheckConstraint(
                condition=Q(resolved_on__isnull=True) | Q(resolved_on__gte=F("found_on")), name="obstacle_period"
            )
        ]

    def __str__(self) -> str:
        return self.get_kind_display()


class PeriodUnit(models.TextChoices):
    CALENDAR_DAYS = "calendar_days", _("calendar days")
    WORKING_DAYS = "working_days", _("working days")
    MONTHS = "months", _("months")


class DeadlineRule(models.Model):
    """One version of a legal time limit. An amendment is a new row with a later `valid_from`, never an edit.

    `open_cases_keep_previous`: whether cases opened before this version took effect keep the version
    that was in force when they were opened (the usual transitional rule), or move to this one.
    `configurable`: the value could not be confirmed in the text of the law; an administrator sets it.
    """

    code = models.CharField(_("rule"), max_length=60)
    title = models.CharField(_("title"), max_length=200)
    legal_reference = models.CharField(_("legal reference"), max_length=300)
    valid_from = models.DateField(_("applies from"))
    period = models.PositiveIntegerField(_("period"))
    unit = models.CharField(_("unit"), max_length=15, choices=PeriodUnit.choices)
    roll_to_working_day = models.BooleanField(_("a deadline on a day off moves to the next working day"), default=False)
    open_cases_keep_previous = models.BooleanField(_("cases opened earlier keep the previous version"), default=True)
    configurable = models.BooleanField(_("value not confirmed: to be set by an administrator"), default=False)
    note = models.TextField(_("note"), blank=True)

    class Meta:
        ordering = ["code", "valid_from"]
        verbose_name = _("deadline rule")
        constraints = [
            models.UniqueConstraint(fields=["code", "valid_from"], name="deadline_rule_version"),
            models.CheckConstraint(condition=Q(period__gt=0), name="deadline_rule_period_positive"),
        ]

    def __str__(self) -> str:
        return f"{self.code} from {self.valid_from}: {self.period} {self.unit}"

    @property
    def label(self) -> str:
        """The title in the reader's language (`title` reads title_kk, title_ru or title_en, with fallbacks)."""
        return self.title


class ConditionKind(models.TextChoices):
    LANGUAGE_CERTIFICATE = "language_certificate", _("language certificate")
    NO_CRIMINAL_RECORD = "no_criminal_record", _("certificate of no criminal record")
    LAWFUL_INCOME = "lawful_income", _("proof of lawful income")
    RENUNCIATION = "renunciation", _("renunciation of another citizenship")


class PersonCondition(models.Model):
    """A fact that eligibility rules ask for and that the status timeline and documents do not hold."""

    person_scope_path = "person"

    person = models.ForeignKey("registry.Person", on_delete=models.CASCADE, related_name="conditions")
    kind = models.CharField(_("condition"), max_length=30, choices=ConditionKind.choices)
    met_on = models.DateField(_("met on"))
    until = models.DateField(_("valid until"), null=True, blank=True)
    reference = models.CharField(_("document reference"), max_length=100, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )

    objects = ScopedManager()

    class Meta:
        ordering = ["met_on", "id"]
        verbose_name = _("condition met")

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.met_on}"


class EligibilityGoal(models.TextChoices):
    RESIDENCE_PERMIT = "residence_permit", _("permanent residence permit")
    CITIZENSHIP = "citizenship", _("citizenship of Kazakhstan")


class ResidenceFrom(models.TextChoices):
    STATUS = "status", _("the status now held (refugee recognition or statelessness determination)")
    RESIDENCE_PERMIT = "residence_permit", _("the residence permit")


class EligibilityRule(models.Model):
    """One version of a rule on when a refugee or stateless person may apply for a permit or citizenship.

    Computed from the timeline (`years` of lawful residence counted from `counts_from`) and from documents
    and conditions. Like deadlines, an amendment is a new row with a later `valid_from`."""

    code = models.CharField(_("rule"), max_length=60)
    goal = models.CharField(_("eligible for"), max_length=20, choices=EligibilityGoal.choices)
    title = models.CharField(_("title"), max_length=200)
    legal_reference = models.CharField(_("legal reference"), max_length=300)
    valid_from = models.DateField(_("applies from"))
    population_types = models.JSONField(_("population types"), default=list)
    years = models.PositiveSmallIntegerField(_("years of lawful residence"))
    counts_from = models.CharField(_("counted from"), max_length=20, choices=ResidenceFrom.choices)
    required_documents = models.JSONField(_("documents required"), default=list, blank=True)
    required_conditions = models.JSONField(_("conditions required"), default=list, blank=True)
    configurable = models.BooleanField(_("value not confirmed: to be set by an administrator"), default=False)
    note = models.TextField(_("note"), blank=True)

    class Meta:
        ordering = ["code", "valid_from"]
        verbose_name = _("eligibility rule")
        constraints = [models.UniqueConstraint(fields=["code", "valid_from"], name="eligibility_rule_version")]

    def __str__(self) -> str:
        return f"{self.code} from {self.valid_from}"

    @property
    def label(self) -> str:
        """The title in the reader's language (`title` reads title_kk, title_ru or title_en, with fallbacks)."""
        return self.title


# ---- referrals to partner projects ---------------------------------------------------------------
# The state machine and the kinds are in `referral_workflow.py`. These rows hold personal data: their
# default managers are the fail-closed `ScopedManager` by person; the partner a referral is addressed to
# reaches it through `referral_selectors` (organisation scope), never through the person.


class Referral(models.Model):
    """A person, or a household through one of its members, referred to a partner's assistance project.

    `from_organisation` sent it, `to_organisation` (the project's organisation) receives it, `region` is
    the person's region when it was sent: both sides reach it in that region only. What the partner sees
    is the referral's `ReferralSubject` rows and `needs`, never the person's file."""

    person_scope_path = "person"

    person = models.ForeignKey("registry.Person", on_delete=models.PROTECT, related_name="referrals")
    household = models.ForeignKey(
        "registry.Household", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    case = models.ForeignKey(Case, on_delete=models.PROTECT, null=True, blank=True, related_name="referrals")
    project = models.ForeignKey(
        "knowledge.PartnerProject", on_delete=models.PROTECT, related_name="referrals", verbose_name=_("project")
    )
    kind = models.CharField(_("kind of assistance"), max_length=20, choices=ReferralKind.choices)
    needs = EncryptedTextField(_("needs stated in the referral"))  # encrypted at rest
    from_organisation = models.ForeignKey("accounts.Organisation", on_delete=models.PROTECT, related_name="+")
    to_organisation = models.ForeignKey("accounts.Organisation", on_delete=models.PROTECT, related_name="+")
    region = models.ForeignKey("geo.Region", on_delete=models.PROTECT, related_name="+")
    consent = models.ForeignKey("registry.Consent", on_delete=models.PROTECT, related_name="+")
    state = models.CharField(_("state"), max_length=12, choices=ReferralState.choices, default=ReferralState.SENT)
    state_since = models.DateField(_("in this state since"))
    sent_on = models.DateField(_("sent on"))
    sent_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    objects = ScopedManager()

    class Meta:
        ordering = ["-sent_on", "-id"]
        verbose_name = _("referral")
        indexes = [
            models.Index(fields=["to_organisation", "region", "state"], name="referral_inbox"),
            models.Index(fields=["from_organisation", "region", "state"], name="referral_outbox"),
        ]
        constraints = [
            models.CheckConstraint(condition=Q(state__in=ReferralState.values), name="referral_state_known"),
            models.CheckConstraint(condition=Q(state_since__gte=F("sent_on")), name="referral_state_after_sent"),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} #{self.pk}"

    @property
    def is_open(self) -> bool:
        return self.state not in REFERRAL_FINAL

    def partner_target(self) -> Target:
        """The referral as the partner it is addressed to reaches it."""
        return Target(f"cases.Referral:{self.pk}", organisation_id=self.to_organisation_id, region_code=self.region_id)

    def referrer_target(self) -> Target:
        """The referral as the organisation that sent it reaches it."""
        return Target(
            f"cases.Referral:{self.pk}", organisation_id=self.from_organisation_id, region_code=self.region_id
        )


class ReferralSubject(models.Model):
    """One person a referral shares with the partner, frozen when it was sent (the household may change),
    with the consent on which the sharing rests (none for a child, whose parent's consent covers them)."""

    person_scope_path = "referral__person"

    referral = models.ForeignKey(Referral, on_delete=models.CASCADE, related_name="subjects")
    person = models.ForeignKey("registry.Person", on_delete=models.PROTECT, related_name="+")
    relationship = models.CharField(_("relationship to head"), max_length=12, blank=True)
    consent = models.ForeignKey("registry.Consent", on_delete=models.PROTECT, null=True, blank=True, related_name="+")

    objects = ScopedManager()

    class Meta:
        ordering = ["id"]
        constraints = [models.UniqueConstraint(fields=["referral", "person"], name="referral_subject_once")]

    def __str__(self) -> str:
        return f"{self.referral_id}: {self.person_id}"


class ReferralEvent(models.Model):
    """One step of a referral (sent, accepted, declined, completed) with its reason. Append-only."""

    person_scope_path = "referral__person"

    referral = models.ForeignKey(Referral, on_delete=models.PROTECT, related_name="events")
    step = models.CharField(max_length=12)
    from_state = models.CharField(max_length=12, blank=True)
    to_state = models.CharField(max_length=12)
    effective = models.DateField(_("date"))
    recorded_at = models.DateTimeField(default=timezone.now)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    organisation = models.ForeignKey("accounts.Organisation", on_delete=models.PROTECT, related_name="+")
    reason = EncryptedTextField(_("reason or note"), blank=True)  # encrypted at rest

    objects = ScopedManager.from_queryset(AppendOnlyQuerySet)()

    class Meta:
        ordering = ["recorded_at", "id"]

    def __str__(self) -> str:
        return f"{self.effective} {self.step}"

    def save(self, *args: Any, **kwargs: Any) -> None:
        if self.pk is not None and not kwargs.get("force_insert"):
            raise TypeError("Referral history is append-only.")
        super().save(*args, **kwargs)

    @property
    def to_state_label(self) -> str:
        return str(ReferralState(self.to_state).label)


class ServiceDelivery(models.Model):
    """A service the partner delivered under an accepted referral: when, what, by whom, with a note."""

    person_scope_path = "referral__person"

    referral = models.ForeignKey(Referral, on_delete=models.PROTECT, related_name="deliveries")
    delivered_on = models.DateField(_("delivered on"))
    service = models.CharField(_("service"), max_length=200)
    delivered_by = models.CharField(_("delivered by"), max_length=200)
    note = EncryptedTextField(_("note"), blank=True)  # encrypted at rest
    recorded_at = models.DateTimeField(default=timezone.now)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )

    objects = ScopedManager()

    class Meta:
        ordering = ["delivered_on", "id"]
        verbose_name = _("service delivered")
        verbose_name_plural = _("services delivered")

    def __str__(self) -> str:
        return f"{self.delivered_on} {self.service}"

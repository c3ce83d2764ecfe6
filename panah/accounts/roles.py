"""Roles and the actions each allows. The one table to read to know who may do what."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class Action(models.TextChoices):
    VIEW_PERSON = "view_person", _("View persons")
    REGISTER_PERSON = "register_person", _("Register persons")
    CHANGE_PERSON = "change_person", _("Change persons")
    DECIDE_STATUS = "decide_status", _("Record status decisions")
    VIEW_SENSITIVE_NEEDS = "view_sensitive_needs", _("See highly sensitive specific needs (SGBV, torture, medical)")
    EXPORT_PERSONS = "export_persons", _("Export personal data")
    MERGE_PERSONS = "merge_persons", _("Merge duplicate records")
    VIEW_STATISTICS = "view_statistics", _("View aggregate statistics")
    MANAGE_USERS = "manage_users", _("Manage users of the organisation")
    VIEW_AUDIT = "view_audit", _("Read the audit log")
    MAINTAIN = "maintain", _("Run maintenance such as rebuilding indexes")
    WORK_CASES = "work_cases", _("Work cases: open, note, plan tasks, transfer")
    VIEW_TRAININGS = "view_trainings", _("See the trainings of officials in one's regions")
    RECORD_TRAININGS = "record_trainings", _("Record trainings, participants and test scores")
    PUBLISH_KNOWLEDGE = "publish_knowledge", _("Publish knowledge-base articles and their updates")


class Role(models.TextChoices):
    VIEWER = "viewer", _("Viewer")
    REGISTRAR = "registrar", _("Registrar")
    DECISION_OFFICER = "decision_officer", _("Status decision officer")
    CASEWORKER = "caseworker", _("Caseworker")
    STATISTICIAN = "statistician", _("Statistician")
    ORG_ADMIN = "org_admin", _("Organisation administrator")
    SYSTEM_ADMIN = "system_admin", _("System administrator")


A = Action
# Every role sees the trainings of officials in its regions (panah.knowledge).
ROLE_ACTIONS: dict[str, frozenset[str]] = {
    Role.VIEWER: frozenset({A.VIEW_PERSON, A.VIEW_TRAININGS}),
    Role.REGISTRAR: frozenset({A.VIEW_PERSON, A.REGISTER_PERSON, A.CHANGE_PERSON, A.WORK_CASES, A.VIEW_TRAININGS}),
    # Merging joins two legal files and may need a timeline corrected first: the decision officer's job.
    Role.DECISION_OFFICER: frozenset(
        {
            A.VIEW_PERSON,
            A.DECIDE_STATUS,
            A.VIEW_SENSITIVE_NEEDS,
            A.VIEW_STATISTICS,
            A.MERGE_PERSONS,
            A.WORK_CASES,
            A.VIEW_TRAININGS,
        }
    ),
    # Caseworkers also train officials.
    Role.CASEWORKER: frozenset(
        {A.VIEW_PERSON, A.CHANGE_PERSON, A.VIEW_SENSITIVE_NEEDS, A.WORK_CASES, A.VIEW_TRAININGS, A.RECORD_TRAININGS}
    ),
    # The statistician sees aggregates only: no action on personal data at all.
    Role.STATISTICIAN: frozenset({A.VIEW_STATISTICS, A.VIEW_TRAININGS}),
    # Organisation administrators also organise trainings and publish the knowledge base.
    Role.ORG_ADMIN: frozenset(
        {
            A.VIEW_PERSON,
            A.EXPORT_PERSONS,
            A.VIEW_STATISTICS,
            A.MANAGE_USERS,
            A.VIEW_AUDIT,
            A.VIEW_TRAININGS,
            A.RECORD_TRAININGS,
            A.PUBLISH_KNOWLEDGE,
        }
    ),
    Role.SYSTEM_ADMIN: frozenset(Action.values),
}

# Actions on personal data: each needs the person inside the caller's scope for that action.
PERSONAL_DATA_ACTIONS = frozenset(
    {
        A.VIEW_PERSON,
        A.REGISTER_PERSON,
        A.CHANGE_PERSON,
        A.DECIDE_STATUS,
        A.VIEW_SENSITIVE_NEEDS,
        A.EXPORT_PERSONS,
        A.MERGE_PERSONS,
        A.WORK_CASES,
    }
)


def role_allows(role: str, action: str) -> bool:
    return action in ROLE_ACTIONS.get(role, frozenset())

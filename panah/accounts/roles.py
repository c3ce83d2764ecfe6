"""The roles a membership gives and the actions there are. Which role may take which action, on what and on
which basis, is the policy table in `panah.accounts.permissions`."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class Action(models.TextChoices):
    """Everything a user can be allowed to do. Who may take each, on what and on which basis is the one
    policy table, `panah.accounts.permissions.POLICY`."""

    VIEW_PERSON = "view_person", _("View persons")
    REGISTER_PERSON = "register_person", _("Register persons")
    CHANGE_PERSON = "change_person", _("Change persons")
    DECIDE_STATUS = "decide_status", _("Record status decisions")
    RECORD_STATUS_FACTS = "record_status_facts", _("Record what happened: an appeal lodged, a departure, a death")
    VIEW_SENSITIVE_NEEDS = "view_sensitive_needs", _("See highly sensitive specific needs (SGBV, torture, medical)")
    VIEW_FILES = "view_files", _("See the evidence files of persons (scans and photos of their documents)")
    ATTACH_FILES = "attach_files", _("Attach evidence files to persons")
    REMOVE_FILES = "remove_files", _("Remove evidence files of persons")
    EXPORT_PERSONS = "export_persons", _("Export personal data")
    MERGE_PERSONS = "merge_persons", _("Merge duplicate records")
    REVIEW_DUPLICATES = "review_duplicates", _("Decide whether two records are the same person")
    REFER_PERSONS = "refer_persons", _("Refer persons to partner projects")
    OPEN_CASES = "open_cases", _("Open documentation, birth-registration and legal-assistance cases")
    OPEN_STATE_PROCEDURES = "open_state_procedures", _("Register asylum, statelessness and citizenship applications")
    VIEW_CASES = "view_cases", _("See cases and their history")
    NOTE_CASES = "note_cases", _("Add notes and tasks to cases")
    WORK_CASES = "work_cases", _("Record the steps of casework")
    DECIDE_CASES = "decide_cases", _("Take the decisions of a case (grant, refuse, determine)")
    MANAGE_CASES = "manage_cases", _("Assign and transfer cases")
    PRINT_NOTICES = "print_notices", _("Print the decision notices of cases")
    PRINT_CERTIFICATES = "print_certificates", _("Print registration certificates")
    REVOKE_NOTICES = "revoke_notices", _("Revoke or correct issued notices and certificates")
    RESPOND_REFERRALS = "respond_referrals", _("Accept, decline and complete referrals addressed to the organisation")
    FOLLOW_REFERRALS = "follow_referrals", _("Follow the referrals the organisation sent")
    RECEIVE_REFERRAL_ALERTS = "receive_referral_alerts", _(
        "Receive the deadlines of the cases of referrals accepted by the organisation, while the consent holds"
    )
    VIEW_STATISTICS = "view_statistics", _("View aggregate statistics")
    VIEW_EXACT_STATISTICS = "view_exact_statistics", _("View statistics without small-cell protection")
    PUBLISH_STATISTICS = "publish_statistics", _("Publish statistics releases")
    MANAGE_USERS = "manage_users", _("Manage users of the organisation")
    MANAGE_MEMBERSHIPS = "manage_memberships", _("Give and end memberships of the organisation")
    MANAGE_AGREEMENTS = "manage_agreements", _("Record the organisation's data-sharing agreements")
    MANAGE_ORGANISATIONS = "manage_organisations", _("Change organisations and the regions they cover")
    VIEW_AUDIT = "view_audit", _("Read the audit log")
    FOLLOW_OWN_WORK = "follow_own_work", _("Follow the imports and background jobs one asked for")
    MAINTAIN = "maintain", _("Run maintenance such as rebuilding indexes")
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

"""Writes of the knowledge app. Each service is one transaction: check the caller's role, validate,
write, keep the search index in step, append the audit entry; e-mail goes out after commit."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.mail import get_connection, send_mass_mail
from django.db import transaction
from django.db.models import Max
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from panah.accounts.models import User
from panah.accounts.permissions import may, require
from panah.accounts.roles import Action
from panah.accounts.selectors import acting_organisation
from panah.audit.models import AuditEntry
from panah.audit.services import record
from panah.common.phrases import day, label
from panah.knowledge import search
from panah.knowledge.models import (
    ARTICLE_LANGUAGES,
    LEAFLET_LANGUAGES,
    Article,
    ArticleTranslation,
    ArticleVersion,
    Leaflet,
    Official,
    Participation,
    PartnerProject,
    SharedInformation,
    Subscription,
    Topic,
    Training,
    TrainingTopic,
)
from panah.knowledge.selectors import officials_matching
from panah.knowledge.tasks import send_publication_notices

LANGUAGE_CODES = [code for code, _label in ARTICLE_LANGUAGES]


# Knowledge base -----------------------------------------------------------------------------------


def _clean_translations(translations: Mapping[str, Mapping[str, str]]) -> dict[str, dict[str, str]]:
    cleaned: dict[str, dict[str, str]] = {}
    errors: dict[str, str] = {}
    for language in LANGUAGE_CODES:
        values = {k: (translations.get(language, {}).get(k) or "").strip() for k in ("title", "what_changed", "body")}
        if not any(values.values()):
            continue
        if not values["title"]:
            errors[f"title_{language}"] = _("Give the title in this language, or leave the language empty.")
        if not values["body"]:
            errors[f"body_{language}"] = _("Give the text in this language, or leave the language empty.")
        cleaned[language] = values
    if errors:
        raise ValidationError(errors)
    if not cleaned:
        raise ValidationError(_("Write the article in at least one language."))
    return cleaned


def publish_version(
    *,
    by: User,
    article: Article,
    effective_from: dt.date,
    legal_references: str = "",
    translations: Mapping[str, Mapping[str, str]],
) -> ArticleVersion:
    """Publish a new version of `article`, in force from `effective_from` (past, today or future).

    Earlier versions are never changed: the version in force on a day is the latest effective then.
    Side effects: an ArticleVersion with its translations, their rows in the full-text index, one
    audit entry, and after commit a background task that e-mails the subscribers of the article's topic.
    Raises PermissionDenied without `publish_knowledge`; ValidationError for a missing title or text,
    or a second version in force from the same day.
    """
    require(by, Action.PUBLISH_KNOWLEDGE)
    cleaned = _clean_translations(translations)
    with transaction.atomic():
        article = Article.objects.select_for_update().get(pk=article.pk)
        if article.versions.filter(effective_from=effective_from).exists():
            raise ValidationError(
                {"effective_from": _("A version in force from this day exists already: choose another day.")}
            )
        number = (article.versions.aggregate(n=Max("number"))["n"] or 0) + 1
        version = ArticleVersion.objects.create(
            article=article,
            number=number,
            effective_from=effective_from,
            legal_references=legal_references.strip(),
            published_at=timezone.now(),
            published_by=by,
        )
        for language, values in cleaned.items():
            translation = ArticleTranslation.objects.create(
                version=version,
                language=language,
                search_text=search.document_text(
                    language, values["title"], values["what_changed"], values["body"], version.legal_references
                ),
                **values,
            )
            search.index(translation.pk, translation.search_text)
        record(
            by=by,
            action=AuditEntry.Action.CREATE if number == 1 else AuditEntry.Action.CHANGE,
            obj=version,
            message="article_published",
            params={"article": article.slug, "version": number, "effective": day(effective_from)},
        )
        version_id = version.pk
        transaction.on_commit(lambda: send_publication_notices.enqueue(version_id))
    return version


def publish_article(
    *,
    by: User,
    slug: str,
    topic: str,
    effective_from: dt.date,
    legal_references: str = "",
    translations: Mapping[str, Mapping[str, str]],
) -> ArticleVersion:
    """Create an article and publish its first version. Side effects as `publish_version`, plus the Article."""
    require(by, Action.PUBLISH_KNOWLEDGE)
    if topic not in Topic.values:
        raise ValidationError({"topic": _("Choose a topic.")})
    with transaction.atomic():
        if Article.objects.filter(slug=slug).exists():
            raise ValidationError({"slug": _("An article with this short name exists already.")})
        article = Article.objects.create(slug=slug, topic=topic, created_by=by)
        return publish_version(
            by=by,
            article=article,
            effective_from=effective_from,
            legal_references=legal_references,
            translations=translations,
        )


def notify_subscribers(version_id: int) -> int:
    """E-mail every subscriber of the version's topic (with an address) that it was published.

    The notice gives the title in each language the version has, since users keep no language of
    their own. Returns the number of messages sent. Side effects: e-mail through Django's backend."""
    version = ArticleVersion.objects.select_related("article").prefetch_related("translations").get(pk=version_id)
    recipients = sorted(
        set(
            Subscription.objects.filter(topic=version.article.topic, user__is_active=True)
            .exclude(user__email="")
            .values_list("user__email", flat=True)
        )
    )
    if not recipients:
        return 0
    titles = {t.language: t for t in version.translations.all()}
    first = next(iter(titles.values()))
    lines = []
    for language in LANGUAGE_CODES:
        translation = titles.get(language)
        if translation is None:
            continue
        lines.append(f"[{language}] {translation.title}")
        if translation.what_changed:
            lines.append(f"    {translation.what_changed}")
    path = reverse("knowledge:article", kwargs={"slug": version.article.slug})
    body = "\n".join(
        [
            *lines,
            "",
            f"{version.effective_from:%d.%m.%Y} — v{version.number}",
            f"{getattr(settings, 'PANAH_BASE_URL', '').rstrip('/')}{path}",
        ]
    )
    subject = f"Panah: {first.title}"[:200]
    sender = settings.DEFAULT_FROM_EMAIL
    messages = [(subject, body, sender, [address]) for address in recipients]
    return send_mass_mail(messages, fail_silently=False, connection=get_connection())


def set_subscriptions(*, user: User, topics: Iterable[str]) -> set[str]:
    """Subscribe `user` to exactly `topics`. Side effects: Subscription rows added and removed."""
    wanted = {t for t in topics if t in Topic.values}
    with transaction.atomic():
        Subscription.objects.filter(user=user).exclude(topic__in=wanted).delete()
        have = set(Subscription.objects.filter(user=user).values_list("topic", flat=True))
        Subscription.objects.bulk_create([Subscription(user=user, topic=t) for t in sorted(wanted - have)])
    return wanted


# Trainings ----------------------------------------------------------------------------------------


def _require_training_region(by: User, region_code: str) -> None:
    require(by, Action.RECORD_TRAININGS)
    if not may(by, Action.RECORD_TRAININGS, region_code):
        raise ValidationError({"region": _("You may record trainings only in your regions.")})


def record_training(
    *,
    by: User,
    title: str,
    start_date: dt.date,
    end_date: dt.date | None,
    region: Any,
    format: str,
    organisers: Iterable[Any],
    topics: Iterable[str],
    location: str = "",
    materials: str = "",
) -> Training:
    """Record a training event. Side effects: a Training with its organisers and topics, one audit entry.
    Raises PermissionDenied without `record_trainings`; ValidationError for a region outside the
    caller's, a last day before the first, no organiser or no topic."""
    _require_training_region(by, region.pk)
    end_date = end_date or start_date
    errors = {}
    if end_date < start_date:
        errors["end_date"] = _("The last day cannot be before the first.")
    organisers = list(organisers)
    topics = [t for t in dict.fromkeys(topics) if t in Topic.values]
    if not organisers:
        errors["organisers"] = _("Choose at least one organiser.")
    if not topics:
        errors["topics"] = _("Choose at least one topic.")
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        training = Training.objects.create(
            title=title.strip(),
            start_date=start_date,
            end_date=end_date,
            region=region,
            location=location.strip(),
            format=format,
            materials=materials.strip(),
            created_by=by,
        )
        training.organisers.set(organisers)
        TrainingTopic.objects.bulk_create([TrainingTopic(training=training, topic=t) for t in topics])
        record(
            by=by,
            action=AuditEntry.Action.CREATE,
            obj=training,
            message="training_recorded",
            params={"title": training.title[:200]},
        )
    return training


def add_participant(
    *,
    by: User,
    training: Training,
    official: Mapping[str, Any],
    attended: bool = True,
    pre_test: int | None = None,
    post_test: int | None = None,
    feedback_rating: int | None = None,
    feedback: str = "",
) -> Participation:
    """Add an official to a training, with attendance, test scores and feedback.

    The official is found by full name, organisation and region (ignoring case) or created, so one
    official who attends several trainings counts once in the reports.
    Side effects: maybe an Official, a Participation, one audit entry.
    Raises ValidationError for a score outside 0..100, a rating outside 1..5, or an official who is
    already a participant."""
    _require_training_region(by, training.region_id)
    errors = {}
    for name, value in (("pre_test", pre_test), ("post_test", post_test)):
        if value is not None and not 0 <= value <= 100:
            errors[name] = _("A score is between 0 and 100.")
    if feedback_rating is not None and not 1 <= feedback_rating <= 5:
        errors["feedback_rating"] = _("A rating is between 1 and 5.")
    if errors:
        raise ValidationError(errors)
    region = official["region"]
    with transaction.atomic():
        person = officials_matching(official["full_name"], official["organisation"], region.pk).first()
        if person is None:
            person = Official.objects.create(
                full_name=" ".join(official["full_name"].split()),
                organisation=official["organisation"].strip(),
                department=(official.get("department") or "").strip(),
                position=(official.get("position") or "").strip(),
                region=region,
                sex=official["sex"],
            )
        if Participation.objects.filter(training=training, official=person).exists():
            raise ValidationError({"full_name": _("This official is already a participant of this training.")})
        participation = Participation.objects.create(
            training=training,
            official=person,
            attended=attended,
            pre_test=pre_test,
            post_test=post_test,
            feedback_rating=feedback_rating,
            feedback=feedback.strip(),
        )
        record(
            by=by,
            action=AuditEntry.Action.CHANGE,
            obj=training,
            message="participant_added",
            params={"training": training.pk},
            changes={"official": person.pk, "attended": attended, "pre_test": pre_test, "post_test": post_test},
        )
    return participation


def import_participants(*, by: User, training: Training, rows: Iterable[Mapping[str, Any]]) -> int:
    """Add every participant of a checked list (`participants_file.read`), all or nothing.

    Side effects: as `add_participant` for each row, in one transaction. Raises ValidationError
    naming the row (counted as the spreadsheet does, header = 1) if any row cannot be added."""
    added = 0
    with transaction.atomic():
        for number, row in enumerate(rows, start=2):
            try:
                add_participant(
                    by=by,
                    training=training,
                    official={
                        k: row[k] for k in ("full_name", "organisation", "department", "position", "region", "sex")
                    },
                    attended=row["attended"],
                    pre_test=row["pre_test"],
                    post_test=row["post_test"],
                    feedback_rating=row["feedback_rating"],
                    feedback=row["feedback"],
                )
            except ValidationError as error:
                raise ValidationError(
                    _("Row %(row)s: %(error)s") % {"row": number, "error": " ".join(error.messages)}
                ) from error
            added += 1
    return added


# Shared information -------------------------------------------------------------------------------


def record_shared_information(
    *,
    by: User,
    person: Any,
    language: str,
    shared_on: dt.date,
    leaflet: Leaflet | None = None,
    project: PartnerProject | None = None,
    note: str = "",
) -> SharedInformation:
    """Record that `by` gave `person` a leaflet and/or told them of a partner project.

    Side effects: a SharedInformation row and one audit entry naming the person.
    Raises PermissionDenied unless the caller may change the person's record (inside their scope);
    ValidationError when nothing was shared, for a date in the future, or a leaflet that does not
    exist in `language`."""
    require(by, Action.CHANGE_PERSON, person)
    errors = {}
    if leaflet is None and project is None:
        errors["leaflet"] = _("Choose a leaflet or a partner project.")
    if shared_on > timezone.localdate():
        errors["shared_on"] = _("The date cannot be in the future.")
    if language not in dict(LEAFLET_LANGUAGES):
        errors["language"] = _("Choose the person's language.")
    elif leaflet is not None and not leaflet.translations.filter(language=language).exists():
        errors["language"] = _("This leaflet has no text in that language.")
    if errors:
        raise ValidationError(errors)
    organisation = acting_organisation(by, Action.CHANGE_PERSON, person)
    assert organisation is not None  # the caller may change the person: they act for an organisation
    with transaction.atomic():
        shared = SharedInformation.objects.create(
            person=person,
            leaflet=leaflet,
            project=project,
            language=language,
            shared_on=shared_on,
            note=note.strip(),
            organisation=organisation,
            shared_by=by,
        )
        record(
            by=by,
            action=AuditEntry.Action.CREATE,
            obj=shared,
            person=person,
            message="information_shared",
            params={
                "what": " ".join(x for x in (leaflet.slug if leaflet else "", str(project.pk) if project else "") if x),
                "language": label("knowledge.ArticleTranslation.language", language),
            },
            changes={
                "leaflet": leaflet.slug if leaflet else None,
                "project": project.pk if project else None,
                "language": language,
                "shared_on": shared_on.isoformat(),
            },
        )
    return shared

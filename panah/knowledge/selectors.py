"""Reads of the knowledge base, trainings and shared information.

- The knowledge base and the partner directory are readable by every signed-in user.
- Trainings are seen by region: a user sees the trainings held in the regions of their memberships
  that allow `view_trainings`, and those attended by officials from those regions, whose rows alone
  they see. The regions come from the one scoping layer (`accounts.scope.scope_for`); a national
  scope (system administrator) sees every region. `get_training_for_user` raises the same 404 for
  "no such training" and "not in your regions".
- Shared information is personal data: its default manager is scoped like the registry's.
"""

from __future__ import annotations

import datetime as dt
from collections import OrderedDict
from dataclasses import dataclass, field
from typing import Any

from django.db.models import Avg, Count, F, Max, Prefetch, Q, QuerySet
from django.db.models.functions import ExtractYear
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext as _

from panah.accounts.models import User
from panah.accounts.permissions import Target, found_in_scope
from panah.accounts.roles import Action
from panah.accounts.scope import scope_for
from panah.geo.models import Region
from panah.knowledge import search as fulltext
from panah.knowledge.models import (
    ARTICLE_LANGUAGES,
    Article,
    ArticleTranslation,
    ArticleVersion,
    Leaflet,
    LeafletTranslation,
    Official,
    Participation,
    PartnerProject,
    SharedInformation,
    Subscription,
    Topic,
    Training,
    TrainingTopic,
    fallback_order,
)

# Knowledge base -----------------------------------------------------------------------------------


@dataclass
class Localised:
    """A version shown in one language: the one asked for, or the first of its fallbacks."""

    version: ArticleVersion
    translation: ArticleTranslation
    requested: str

    @property
    def fell_back(self) -> bool:
        return self.translation.language != self.requested

    @property
    def article(self) -> Article:
        return self.version.article

    @property
    def requested_name(self) -> str:
        return str(dict(ARTICLE_LANGUAGES)[self.requested])

    @property
    def language_name(self) -> str:
        return str(dict(ARTICLE_LANGUAGES)[self.translation.language])


def localise(version: ArticleVersion, language: str) -> Localised | None:
    """`version` in `language`, else in the first language of its fallback order that it has."""
    by_language = {t.language: t for t in version.translations.all()}
    requested = fallback_order(language)[0]
    for code in fallback_order(language):
        if code in by_language:
            return Localised(version=version, translation=by_language[code], requested=requested)
    return None


def _versions() -> QuerySet[ArticleVersion]:
    return ArticleVersion.objects.select_related("article", "published_by").prefetch_related("translations")


def version_in_force(article: Article, on: dt.date) -> ArticleVersion | None:
    """The published version of `article` in force on `on`: the latest `effective_from` on or before it."""
    return _versions().filter(article=article, effective_from__lte=on).order_by("-effective_from", "-number").first()


@dataclass
class ArticlePage:
    article: Article
    on: dt.date
    shown: Localised | None  # None when the article was not yet in force on `on`
    versions: list[ArticleVersion]
    upcoming: ArticleVersion | None  # a version already published that comes into force after `on`

    @property
    def next_change(self) -> dt.date | None:
        return self.upcoming.effective_from if self.upcoming else None


def article_page(slug: str, *, on: dt.date, language: str) -> ArticlePage:
    article = Article.objects.filter(slug=slug).first()
    if article is None:
        raise Http404(_("No such article."))
    versions = list(_versions().filter(article=article).order_by("-effective_from", "-number"))
    in_force = next((v for v in versions if v.effective_from <= on), None)
    upcoming = next((v for v in reversed(versions) if v.effective_from > on), None)
    return ArticlePage(
        article=article,
        on=on,
        shown=localise(in_force, language) if in_force else None,
        versions=versions,
        upcoming=upcoming,
    )


def articles_in_force(*, on: dt.date, language: str, topic: str | None = None) -> list[Localised]:
    """Every article as in force on `on`, in `language` or its fallback, by topic then title."""
    versions = _versions().filter(effective_from__lte=on)
    if topic:
        versions = versions.filter(article__topic=topic)
    latest: dict[int, ArticleVersion] = {}
    for version in versions.order_by("article_id", "-effective_from", "-number"):
        latest.setdefault(version.article_id, version)
    shown = [item for item in (localise(v, language) for v in latest.values()) if item is not None]
    order = list(Topic.values)
    return sorted(shown, key=lambda s: (order.index(s.article.topic), s.translation.title.casefold()))


def latest_updates(*, language: str, limit: int = 30) -> list[Localised]:
    """The most recently published versions, newest first, each in `language` or its fallback."""
    versions = _versions().order_by("-published_at", "-id")[:limit]
    return [item for item in (localise(v, language) for v in versions) if item is not None]


@dataclass
class Found:
    shown: Localised
    matched_in: str  # the language of the translation that matched


def search_articles(query: str, *, language: str, limit: int = 20, as_of: dt.date | None = None) -> list[Found]:
    """Articles whose text in any language holds every word of `query` in any of its forms; best match
    first, one per article.

    An article is shown in the user's language (or its fallback) in the version that matched and is in
    force on `as_of` (today by default), not a superseded one that ranked higher."""
    hits = fulltext.find(query)
    if not hits:
        return []
    translations = {
        t.pk: t
        for t in ArticleTranslation.objects.filter(pk__in=[h.translation_id for h in hits])
        .select_related("version__article", "version__published_by")
        .prefetch_related(Prefetch("version__translations"))
    }
    today = as_of or timezone.localdate()
    preferred = fallback_order(language)
    terms = fulltext.query_terms(query)

    def order(hit: fulltext.Hit) -> tuple[float, ...]:
        translation = translations[hit.translation_id]
        held, share = fulltext.title_match(terms, translation.language, translation.title)
        # Articles whose title names what was asked first, then by rank; among equals the user's language.
        return (-held, -round(share, 6), -round(hit.rank, 6), preferred.index(translation.language))

    ordered = sorted((h for h in hits if h.translation_id in translations), key=order)
    matched: OrderedDict[int, list[ArticleTranslation]] = OrderedDict()
    for hit in ordered:
        translation = translations[hit.translation_id]
        matched.setdefault(translation.version.article_id, []).append(translation)
    found: list[Found] = []
    for article_translations in matched.values():
        # Of an article's matching versions, the one in force today (the latest already in force), not a
        # superseded one that happened to rank higher; a version not yet in force only if none is.
        translation = max(
            article_translations,
            key=lambda t: (t.version.effective_from <= today, _in_force_order(t.version.effective_from, today)),
        )
        shown = localise(translation.version, language)
        if shown is not None:
            found.append(Found(shown=shown, matched_in=translation.language))
        if len(found) >= limit:
            break
    return found


def _in_force_order(effective_from: dt.date, today: dt.date) -> int:
    """Higher for the version to show: the latest in force today; else the soonest to come into force."""
    return effective_from.toordinal() if effective_from <= today else -effective_from.toordinal()


def subscribed_topics(user: User) -> set[str]:
    return set(Subscription.objects.filter(user=user).values_list("topic", flat=True))


# Trainings ----------------------------------------------------------------------------------------


def training_regions(user: User, action: str = Action.VIEW_TRAININGS) -> frozenset[str] | None:
    """The region codes whose trainings `user` may see (or record); None for every region."""
    scope = scope_for(user, action)
    if scope.everything:
        return None
    return scope.region_codes


def trainings_for_user(user: User) -> QuerySet[Training]:
    """Trainings held in the user's regions or attended by officials from them; latest first."""
    regions = training_regions(user)
    trainings = Training.objects.select_related("region").prefetch_related("topics", "organisers")
    if regions is None:
        return trainings.order_by("-start_date", "-id")
    held_or_attended = Q(region_id__in=sorted(regions)) | Q(
        pk__in=Participation.objects.filter(official__region_id__in=sorted(regions)).values("training_id")
    )
    return trainings.filter(held_or_attended).order_by("-start_date", "-id")


def get_training_for_user(user: User, pk: int) -> Training:
    return found_in_scope(
        trainings_for_user(user),
        user=user,
        action=Action.VIEW_TRAININGS,
        target=lambda t: Target(f"knowledge.Training:{t.pk}", region_code=t.region_id),
        pk=pk,
    )


def participations_for_user(user: User, training: Training) -> QuerySet[Participation]:
    """The participants of `training` the user may see: all of a training held in the user's regions,
    otherwise only the officials from the user's regions."""
    participations = training.participations.select_related("official__region").order_by("official__full_name", "id")
    regions = training_regions(user)
    if regions is None or training.region_id in regions:
        return participations
    return participations.filter(official__region_id__in=sorted(regions))


def _participations_in_scope(user: User) -> QuerySet[Participation]:
    """Reports count officials by the region they work in, inside the user's regions."""
    regions = training_regions(user)
    participations = Participation.objects.all()
    if regions is not None:
        participations = participations.filter(official__region_id__in=sorted(regions))
    return participations


REPORT_DIMENSIONS = ("region", "year", "topic", "organisation")


@dataclass
class ReportRow:
    key: Any
    label: str
    officials: int  # distinct officials who attended
    attendances: int  # attended participations (one official at two trainings counts twice)


def officials_trained(user: User, by: str, *, year: int | None = None) -> list[ReportRow]:
    """Officials who attended a training, grouped `by` region (where they work), year, topic or
    organisation; optionally for trainings that started in `year`. One GROUP BY in the database."""
    if by not in REPORT_DIMENSIONS:
        raise ValueError(f"Unknown dimension {by!r}: one of {', '.join(REPORT_DIMENSIONS)}")
    attended = _participations_in_scope(user).filter(attended=True)
    if year is not None:
        attended = attended.filter(training__start_date__year=year)
    rows: QuerySet[Any, dict[str, Any]]
    if by == "topic":
        # A training on two topics counts its officials under each (a row per topic, as in the report).
        rows = (
            TrainingTopic.objects.filter(training__participations__in=attended)
            .values(key=F("topic"))
            .annotate(
                officials=Count("training__participations__official", distinct=True),
                attendances=Count("training__participations", distinct=True),
            )
        )
    else:
        column = {
            "region": F("official__region_id"),
            "year": ExtractYear("training__start_date"),
            "organisation": F("official__organisation"),
        }[by]
        rows = (
            attended.values(key=column)
            .annotate(officials=Count("official", distinct=True), attendances=Count("id"))
            .order_by()
        )
    labels: dict[Any, str] = {}
    if by == "region":
        labels = {r.code: r.name for r in Region.objects.filter(code__in=[row["key"] for row in rows])}
    elif by == "topic":
        labels = {code: str(label) for code, label in Topic.choices}
    result = [
        ReportRow(
            key=row["key"],
            label=str(labels.get(row["key"], row["key"])),
            officials=row["officials"],
            attendances=row["attendances"],
        )
        for row in rows
    ]
    if by == "year":
        return sorted(result, key=lambda r: r.key)
    return sorted(result, key=lambda r: (-r.officials, r.label))


@dataclass
class RegionReach:
    region: Region
    last_training: dt.date | None  # the last training an official of the region attended, ever


def regions_not_reached(user: User, *, on: dt.date | None = None, months: int = 12) -> list[RegionReach]:
    """Regions existing on `on` (within the user's regions) where no official attended a training
    that started in the `months` before `on` (from the same day `months` earlier, inclusive, to `on`)."""
    on = on or timezone.localdate()
    since = _months_before(on, months)
    regions = Region.objects.valid_on(on)
    scope_regions = training_regions(user)
    if scope_regions is not None:
        regions = regions.filter(code__in=sorted(scope_regions))
    attended = Participation.objects.filter(attended=True, training__start_date__lte=on)
    reached = set(
        attended.filter(training__start_date__gte=since).values_list("official__region_id", flat=True).distinct()
    )
    last = dict(
        attended.values("official__region_id")
        .annotate(last=Max("training__start_date"))
        .values_list("official__region_id", "last")
    )
    return [RegionReach(region=r, last_training=last.get(r.code)) for r in regions if r.code not in reached]


def _months_before(day: dt.date, months: int) -> dt.date:
    month = day.month - months
    year = day.year + (month - 1) // 12
    month = (month - 1) % 12 + 1
    for candidate in (day.day, 30, 29, 28):
        try:
            return dt.date(year, month, candidate)
        except ValueError:
            continue
    raise AssertionError("unreachable")


@dataclass
class ScoreRow:
    training: Training | None  # None for the total line
    tested: int  # participants with both scores
    pre: float | None
    post: float | None
    improved: int

    @property
    def change(self) -> float | None:
        if self.pre is None or self.post is None:
            return None
        return self.post - self.pre


def score_change(user: User, *, year: int | None = None) -> tuple[list[ScoreRow], ScoreRow]:
    """Mean test scores before and after, per training and in total, over participants (in the user's
    regions) who attended and took both tests."""
    tested = _participations_in_scope(user).filter(attended=True, pre_test__isnull=False, post_test__isnull=False)
    if year is not None:
        tested = tested.filter(training__start_date__year=year)
    aggregates = {
        "tested": Count("id"),
        "pre": Avg("pre_test"),
        "post": Avg("post_test"),
        "improved": Count("id", filter=Q(post_test__gt=F("pre_test"))),
    }
    per_training = tested.values("training_id").annotate(**aggregates).order_by()
    trainings = Training.objects.in_bulk([row["training_id"] for row in per_training])
    rows = [
        ScoreRow(
            training=trainings[row["training_id"]],
            tested=row["tested"],
            pre=row["pre"],
            post=row["post"],
            improved=row["improved"],
        )
        for row in per_training
    ]
    rows.sort(key=lambda r: (r.training.start_date, r.training.pk), reverse=True)  # type: ignore[union-attr]
    total = tested.aggregate(**aggregates)
    return rows, ScoreRow(training=None, **total)


def training_years(user: User) -> list[int]:
    years = (
        _participations_in_scope(user).annotate(year=ExtractYear("training__start_date")).values_list("year", flat=True)
    )
    return sorted(set(years), reverse=True)


# Partner projects, leaflets and shared information -------------------------------------------------


def projects(*, on: dt.date | None = None, region: str | None = None) -> QuerySet[PartnerProject]:
    """Partner projects running on `on` (today by default), optionally in one region."""
    on = on or timezone.localdate()
    queryset = PartnerProject.objects.filter(Q(ends_on__isnull=True) | Q(ends_on__gte=on), starts_on__lte=on)
    if region:
        queryset = queryset.filter(regions__code=region)
    return queryset.prefetch_related("regions", "leaflets").distinct()


def leaflets() -> QuerySet[Leaflet]:
    return Leaflet.objects.select_related("project").prefetch_related("translations")


def leaflet_translation(slug: str, language: str) -> LeafletTranslation:
    translation = (
        LeafletTranslation.objects.select_related("leaflet__project")
        .filter(leaflet__slug=slug, language=language)
        .first()
    )
    if translation is None:
        raise Http404(_("No such leaflet in that language."))
    return translation


def shared_with(person: Any) -> QuerySet[SharedInformation]:
    """What was shared with `person` (inside the open scope), latest first."""
    return SharedInformation.objects.filter(person=person).select_related(
        "leaflet", "project", "shared_by", "organisation"
    )


@dataclass
class Handout:
    shared: SharedInformation
    leaflet: LeafletTranslation | None
    project: PartnerProject | None
    language: str
    extra: list[str] = field(default_factory=list)


def get_handout(user: User, pk: int) -> Handout:
    """The handout of one shared item, in the person's language. 404 alike for "no such" and "not
    yours" (the scoped manager)."""
    shared = found_in_scope(
        SharedInformation.objects.select_related("person", "leaflet", "project", "organisation"),
        user=user,
        action=Action.VIEW_PERSON,
        pk=pk,
    )
    leaflet = None
    if shared.leaflet_id:
        leaflet = LeafletTranslation.objects.filter(leaflet_id=shared.leaflet_id, language=shared.language).first()
    project = shared.project or (shared.leaflet.project if shared.leaflet else None)
    return Handout(shared=shared, leaflet=leaflet, project=project, language=shared.language)


def officials_matching(full_name: str, organisation: str, region_code: str) -> QuerySet[Official]:
    return Official.objects.filter(
        full_name__iexact=full_name.strip(), organisation__iexact=organisation.strip(), region_id=region_code
    )

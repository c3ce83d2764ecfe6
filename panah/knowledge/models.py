"""Capacity building: trainings of officials, the versioned knowledge base, partner projects and leaflets.

Officials who attend trainings are staff of state bodies and partners, not persons of concern: their
rows are scoped by the region they work in (`selectors.trainings_for_user`), not by `ScopedManager`.
The one model here that holds a person of concern's data is `SharedInformation`, which uses the
fail-closed `ScopedManager` like every registry model.

An article is a series of versions. Each published version is in force from its `effective_from`
until the next published version's; "the article as in force on D" is the published version with
the latest `effective_from` on or before D (`selectors.version_in_force`). Versions are never edited
once published: a change is a new version with its "what changed" summary.
"""

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from panah.accounts.scope import ScopedManager

# The interface languages, in the order a missing translation falls back to (see `fallback_order`).
ARTICLE_LANGUAGES = (("kk", _("Kazakh")), ("ru", _("Russian")), ("en", _("English")))
FALLBACK: dict[str, tuple[str, ...]] = {
    "kk": ("kk", "ru", "en"),
    "ru": ("ru", "kk", "en"),
    "en": ("en", "ru", "kk"),
}

# Languages of leaflets for persons of concern; Dari is "prs" (ISO 639-3), written fa-AF in HTML.
LEAFLET_LANGUAGES = (
    ("prs", _("Dari")),
    ("ps", _("Pashto")),
    ("ar", _("Arabic")),
    ("ru", _("Russian")),
    ("kk", _("Kazakh")),
    ("en", _("English")),
)
RIGHT_TO_LEFT = frozenset({"prs", "ps", "ar"})
HTML_LANG = {"prs": "fa-AF"}
# The name of each leaflet language in that language, for the person choosing it.
NATIVE_NAMES = {"prs": "دری", "ps": "پښتو", "ar": "العربية", "ru": "Русский", "kk": "Қазақ тілі", "en": "English"}


def fallback_order(language: str) -> tuple[str, ...]:
    return FALLBACK.get((language or "ru")[:2], FALLBACK["ru"])


class Topic(models.TextChoices):
    REFUGEE_CONVENTION = "convention", _("1951 Convention and 1967 Protocol")
    REFUGEE_LAW = "refugee_law", _("Law on Refugees (2009)")
    ASYLUM_PROCEDURE = "asylum_procedure", _("Refugee status determination")
    STATELESSNESS = "statelessness", _("Statelessness determination")
    BIRTH_REGISTRATION = "birth_registration", _("Birth registration")
    NATURALISATION = "naturalisation", _("Naturalisation")
    DOCUMENTATION = "documentation", _("Documents and residence")
    DATA_PROTECTION = "data_protection", _("Personal data protection")
    ASSISTANCE = "assistance", _("Social assistance and services")


# Knowledge base -----------------------------------------------------------------------------------


class Article(models.Model):
    slug = models.SlugField(_("short name in addresses"), max_length=80, unique=True)
    topic = models.CharField(_("topic"), max_length=20, choices=Topic.choices)
    created_at = models.DateTimeField(auto_now_add=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")

    class Meta:
        ordering = ["slug"]
        verbose_name = _("article")

    def __str__(self) -> str:
        return self.slug


class ArticleVersion(models.Model):
    article = models.ForeignKey(Article, on_delete=models.CASCADE, related_name="versions")
    number = models.PositiveIntegerField(_("version"))
    effective_from = models.DateField(_("in force from"))
    legal_references = models.TextField(_("legal references"), blank=True, help_text=_("One reference a line."))
    published_at = models.DateTimeField(_("published"), db_index=True)
    published_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")

    class Meta:
        ordering = ["article", "-effective_from", "-number"]
        verbose_name = _("article version")
        constraints = [
            models.UniqueConstraint(fields=["article", "number"], name="knowledge_version_number_unique"),
            models.UniqueConstraint(fields=["article", "effective_from"], name="knowledge_version_effective_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.article.slug} v{self.number} ({self.effective_from})"

    @property
    def references(self) -> list[str]:
        return [line.strip() for line in self.legal_references.splitlines() if line.strip()]


class ArticleTranslation(models.Model):
    version = models.ForeignKey(ArticleVersion, on_delete=models.CASCADE, related_name="translations")
    language = models.CharField(_("language"), max_length=2, choices=ARTICLE_LANGUAGES)
    title = models.CharField(_("title"), max_length=200)
    what_changed = models.TextField(_("what changed"), blank=True)
    body = models.TextField(_("text"))
    # What full-text search reads: the stems of every word of the translation and the version's references,
    # cut once in Python by the stemmer of the translation's language (`search.document_text`), so both
    # databases match the same stems.
    search_text = models.TextField(editable=False, default="")

    class Meta:
        ordering = ["version", "language"]
        constraints = [
            models.UniqueConstraint(fields=["version", "language"], name="knowledge_translation_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.title} [{self.language}]"

    @property
    def paragraphs(self) -> list[str]:
        return [p.strip() for p in self.body.split("\n\n") if p.strip()]


class Subscription(models.Model):
    """A user asks to be told by e-mail when an article of `topic` is published or changed."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="knowledge_subscriptions")
    topic = models.CharField(_("topic"), max_length=20, choices=Topic.choices)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["user", "topic"], name="knowledge_subscription_unique")]

    def __str__(self) -> str:
        return f"{self.user} · {self.topic}"


# Trainings ----------------------------------------------------------------------------------------


class TrainingFormat(models.TextChoices):
    IN_PERSON = "in_person", _("in person")
    ONLINE = "online", _("online")
    BLENDED = "blended", _("in person and online")


class Training(models.Model):
    title = models.CharField(_("title"), max_length=200)
    start_date = models.DateField(_("first day"))
    end_date = models.DateField(_("last day"))
    region = models.ForeignKey(
        "geo.Region", on_delete=models.PROTECT, related_name="+", verbose_name=_("region where it was held")
    )
    location = models.CharField(_("place"), max_length=200, blank=True)
    format = models.CharField(_("format"), max_length=10, choices=TrainingFormat.choices)
    organisers = models.ManyToManyField("accounts.Organisation", verbose_name=_("organisers"), related_name="+")
    materials = models.TextField(_("materials used"), blank=True, help_text=_("One material a line."))
    created_at = models.DateTimeField(auto_now_add=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")

    class Meta:
        ordering = ["-start_date", "-id"]
        verbose_name = _("training")
        constraints = [
            models.CheckConstraint(condition=Q(end_date__gte=F("start_date")), name="knowledge_training_period"),
        ]

    def __str__(self) -> str:
        return f"{self.title} ({self.start_date})"

    @property
    def material_list(self) -> list[str]:
        return [line.strip() for line in self.materials.splitlines() if line.strip()]


class TrainingTopic(models.Model):
    training = models.ForeignKey(Training, on_delete=models.CASCADE, related_name="topics")
    topic = models.CharField(_("topic"), max_length=20, choices=Topic.choices)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["training", "topic"], name="knowledge_training_topic_unique")]

    def __str__(self) -> str:
        return self.get_topic_display()


class Official(models.Model):
    """A civil servant or partner's staff member who takes part in trainings (not a person of concern)."""

    class Sex(models.TextChoices):
        FEMALE = "F", _("female")
        MALE = "M", _("male")

    full_name = models.CharField(_("full name"), max_length=200)
    organisation = models.CharField(_("organisation"), max_length=200)
    department = models.CharField(_("department"), max_length=200, blank=True)
    position = models.CharField(_("position"), max_length=200, blank=True)
    region = models.ForeignKey("geo.Region", on_delete=models.PROTECT, related_name="+", verbose_name=_("region"))
    sex = models.CharField(_("sex"), max_length=1, choices=Sex.choices)

    class Meta:
        ordering = ["full_name", "id"]
        verbose_name = _("official")

    def __str__(self) -> str:
        return self.full_name


class Participation(models.Model):
    training = models.ForeignKey(Training, on_delete=models.CASCADE, related_name="participations")
    official = models.ForeignKey(Official, on_delete=models.PROTECT, related_name="participations")
    attended = models.BooleanField(_("attended"), default=True)
    pre_test = models.PositiveSmallIntegerField(_("score before (0–100)"), null=True, blank=True)
    post_test = models.PositiveSmallIntegerField(_("score after (0–100)"), null=True, blank=True)
    feedback_rating = models.PositiveSmallIntegerField(_("rating of the training (1–5)"), null=True, blank=True)
    feedback = models.TextField(_("feedback"), blank=True)

    class Meta:
        ordering = ["official__full_name", "id"]
        constraints = [
            models.UniqueConstraint(fields=["training", "official"], name="knowledge_participation_unique"),
            models.CheckConstraint(
                condition=(Q(pre_test__isnull=True) | Q(pre_test__lte=100))
                & (Q(post_test__isnull=True) | Q(post_test__lte=100)),
                name="knowledge_scores_0_100",
            ),
            models.CheckConstraint(
                condition=Q(feedback_rating__isnull=True) | Q(feedback_rating__gte=1, feedback_rating__lte=5),
                name="knowledge_rating_1_5",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.official} @ {self.training_id}"

    @property
    def change(self) -> int | None:
        if self.pre_test is None or self.post_test is None:
            return None
        return self.post_test - self.pre_test


# Partner projects and information materials -------------------------------------------------------


class PartnerProject(models.Model):
    partner = models.CharField(_("partner organisation"), max_length=200)
    # The partner's organisation in Panah, which receives the referrals to this project (panah.cases);
    # a project without one is listed in the directory but cannot be referred to.
    organisation = models.ForeignKey(
        "accounts.Organisation",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("receives referrals as"),
    )
    title = models.CharField(_("project"), max_length=200)
    services = models.TextField(_("services"), help_text=_("One service a line."))
    regions = models.ManyToManyField("geo.Region", verbose_name=_("regions"), related_name="+")
    eligibility = models.TextField(_("who can apply"))
    starts_on = models.DateField(_("from"))
    ends_on = models.DateField(_("until"), null=True, blank=True)
    contact = models.CharField(_("contact"), max_length=300)
    capacity = models.PositiveIntegerField(_("capacity (persons)"), null=True, blank=True)
    topic = models.CharField(_("topic"), max_length=20, choices=Topic.choices, default=Topic.ASSISTANCE)

    class Meta:
        ordering = ["partner", "title"]
        verbose_name = _("partner project")
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_on__isnull=True) | Q(ends_on__gte=F("starts_on")), name="knowledge_project_period"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.partner}: {self.title}"

    @property
    def service_list(self) -> list[str]:
        return [line.strip() for line in self.services.splitlines() if line.strip()]


class Leaflet(models.Model):
    slug = models.SlugField(_("short name in addresses"), max_length=80, unique=True)
    topic = models.CharField(_("topic"), max_length=20, choices=Topic.choices)
    project = models.ForeignKey(
        PartnerProject,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="leaflets",
        verbose_name=_("partner project"),
    )

    class Meta:
        ordering = ["slug"]
        verbose_name = _("leaflet")

    def __str__(self) -> str:
        return self.slug

    @property
    def display_title(self) -> str:
        """The title in the interface language, or its fallback, or any (prefetch `translations`)."""
        titles = {t.language: t.title for t in self.translations.all()}
        for code in fallback_order(get_language() or "ru"):
            if code in titles:
                return titles[code]
        return next(iter(titles.values()), self.slug)

    @property
    def languages(self) -> list[str]:
        return [t.language for t in self.translations.all()]


class LeafletTranslation(models.Model):
    leaflet = models.ForeignKey(Leaflet, on_delete=models.CASCADE, related_name="translations")
    language = models.CharField(_("language"), max_length=3, choices=LEAFLET_LANGUAGES)
    title = models.CharField(_("title"), max_length=200)
    body = models.TextField(_("text"))

    class Meta:
        ordering = ["leaflet", "language"]
        constraints = [models.UniqueConstraint(fields=["leaflet", "language"], name="knowledge_leaflet_lang_unique")]

    def __str__(self) -> str:
        return f"{self.title} [{self.language}]"

    @property
    def rtl(self) -> bool:
        return self.language in RIGHT_TO_LEFT

    @property
    def html_lang(self) -> str:
        return HTML_LANG.get(self.language, self.language)

    @property
    def native_name(self) -> str:
        return NATIVE_NAMES[self.language]

    @property
    def paragraphs(self) -> list[str]:
        return [p.strip() for p in self.body.split("\n\n") if p.strip()]


class SharedInformation(models.Model):
    """That an officer gave a person a leaflet or told them of a partner project: personal data, scoped."""

    person_scope_path = "person"

    person = models.ForeignKey("registry.Person", on_delete=models.CASCADE, related_name="shared_information")
    leaflet = models.ForeignKey(
        Leaflet, on_delete=models.PROTECT, null=True, blank=True, related_name="+", verbose_name=_("leaflet")
    )
    project = models.ForeignKey(
        PartnerProject,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("partner project"),
    )
    language = models.CharField(_("language of the person"), max_length=3, choices=LEAFLET_LANGUAGES)
    shared_on = models.DateField(_("shared on"))
    note = models.CharField(_("note"), max_length=300, blank=True)
    organisation = models.ForeignKey("accounts.Organisation", on_delete=models.PROTECT, related_name="+")
    shared_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    recorded_at = models.DateTimeField(auto_now_add=True)

    objects = ScopedManager()

    class Meta:
        ordering = ["-shared_on", "-id"]
        verbose_name = _("information shared")
        constraints = [
            models.CheckConstraint(
                condition=Q(leaflet__isnull=False) | Q(project__isnull=False), name="knowledge_shared_something"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.person_id}: {self.leaflet or self.project} ({self.shared_on})"

"""Factories of the knowledge app. Articles are published through the service (the one way a version
with its search index comes to exist); the rest are plain rows."""

import datetime as dt
from typing import Any

import factory

from panah.knowledge import services
from panah.knowledge.models import (
    ArticleVersion,
    Leaflet,
    LeafletTranslation,
    Official,
    Participation,
    PartnerProject,
    Training,
    TrainingTopic,
)
from tests.factories import OrganisationFactory, UserFactory, region


def publish(
    by: Any,
    slug: str,
    effective_from: dt.date,
    *,
    topic: str = "refugee_law",
    references: str = "",
    **texts: tuple[str, str] | tuple[str, str, str],
) -> ArticleVersion:
    """Publish the first or next version of article `slug`; texts as ru=(title, body[, what changed])."""
    from panah.knowledge.models import Article

    translations = {
        language: {"title": values[0], "body": values[1], "what_changed": values[2] if len(values) > 2 else ""}
        for language, values in texts.items()
    }
    article = Article.objects.filter(slug=slug).first()
    if article is None:
        return services.publish_article(
            by=by,
            slug=slug,
            topic=topic,
            effective_from=effective_from,
            legal_references=references,
            translations=translations,
        )
    return services.publish_version(
        by=by, article=article, effective_from=effective_from, legal_references=references, translations=translations
    )


class TrainingFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Training
        skip_postgeneration_save = True

    title = factory.Sequence(lambda n: f"Training {n}")
    start_date = dt.date(2017, 2, 14)
    end_date = factory.LazyAttribute(lambda t: t.start_date)
    region = factory.LazyFunction(lambda: region("KZ-71"))
    format = "in_person"
    created_by = factory.SubFactory(UserFactory)

    @factory.post_generation
    def topics(self, create: bool, codes: Any, **kwargs: Any) -> None:
        if create:
            TrainingTopic.objects.bulk_create([TrainingTopic(training=self, topic=c) for c in codes or ["refugee_law"]])

    @factory.post_generation
    def organisers(self, create: bool, organisations: Any, **kwargs: Any) -> None:
        if create:
            self.organisers.set(organisations or [OrganisationFactory(code="unhcr-kz", kind="unhcr")])


class OfficialFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Official

    full_name = factory.Sequence(lambda n: f"Official {n}")
    organisation = "Department of Employment and Social Programmes"
    position = "Chief specialist"
    region = factory.LazyFunction(lambda: region("KZ-55"))
    sex = "F"


class ParticipationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Participation

    training = factory.SubFactory(TrainingFactory)
    official = factory.SubFactory(OfficialFactory)
    attended = True


class PartnerProjectFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = PartnerProject
        skip_postgeneration_save = True

    partner = "Kazakhstan International Bureau for Human Rights"
    title = factory.Sequence(lambda n: f"Free legal aid {n}")
    services = "Legal counselling\nRepresentation in court"
    eligibility = "Refugees, asylum-seekers and stateless persons"
    starts_on = dt.date(2015, 1, 1)
    contact = "+7 727 000 00 00, legal@example.org"
    capacity = 200

    @factory.post_generation
    def regions(self, create: bool, codes: Any, **kwargs: Any) -> None:
        if create:
            self.regions.set(codes or ["KZ-55", "KZ-75"])


class LeafletFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Leaflet
        skip_postgeneration_save = True

    slug = factory.Sequence(lambda n: f"leaflet-{n}")
    topic = "assistance"

    @factory.post_generation
    def languages(self, create: bool, texts: Any, **kwargs: Any) -> None:
        if create:
            for language, (title, body) in (texts or {"ru": ("Бесплатная юридическая помощь", "Текст")}).items():
                LeafletTranslation.objects.create(leaflet=self, language=language, title=title, body=body)

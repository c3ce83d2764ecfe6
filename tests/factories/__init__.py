"""factory-boy factories. Personal-data models are created inside `unscoped("test factory")`,
the one visible crossing of the scoping layer that test set-up needs."""

import datetime as dt
from typing import Any

import factory
from django.contrib.auth.hashers import make_password
from django.utils import timezone

from panah.accounts.models import Membership, Organisation, SharingAgreement, User
from panah.accounts.scope import unscoped
from panah.geo.models import Country, Region
from panah.registry import services
from panah.registry.models import Document, Person, PersonName

PASSWORD = "correct horse battery staple"


def region(code: str) -> Region:
    return Region.objects.get(pk=code)


def country(alpha3: str) -> Country:
    return Country.objects.get(pk=alpha3)


class OrganisationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Organisation
        django_get_or_create = ("code",)
        skip_postgeneration_save = True

    code = factory.Sequence(lambda n: f"org-{n}")
    name = factory.LazyAttribute(lambda o: f"Organisation {o.code}")
    kind = Organisation.Kind.STATE

    @factory.post_generation
    def regions(self, create: bool, codes: Any, **kwargs: Any) -> None:
        if create:
            self.regions.set(codes if codes is not None else Region.objects.valid_on(timezone.localdate()))


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        django_get_or_create = ("username",)

    username = factory.Sequence(lambda n: f"user{n}")
    password = factory.LazyFunction(lambda: make_password(PASSWORD))


class MembershipFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Membership
        skip_postgeneration_save = True

    user = factory.SubFactory(UserFactory)
    organisation = factory.SubFactory(OrganisationFactory)
    role = "registrar"
    valid_from = dt.date(2000, 1, 1)

    @factory.post_generation
    def regions(self, create: bool, codes: Any, **kwargs: Any) -> None:
        if create and codes:
            self.regions.set(codes)


class SharingAgreementFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = SharingAgreement
        skip_postgeneration_save = True

    purpose = "Protection and statistics"
    reference = factory.Sequence(lambda n: f"DSA-{n}")
    valid_from = dt.date(2000, 1, 1)
    actions = factory.LazyFunction(lambda: ["view_person"])  # what an agreement shares unless it says more

    @factory.post_generation
    def regions(self, create: bool, codes: Any, **kwargs: Any) -> None:
        if create and codes:
            self.regions.set(codes)


class ScopedFactory(factory.django.DjangoModelFactory):
    class Meta:
        abstract = True

    @classmethod
    def _create(cls, model_class: Any, *args: Any, **kwargs: Any) -> Any:
        with unscoped("test factory"):
            return model_class._base_manager.create(*args, **kwargs)


class PersonFactory(ScopedFactory):
    """A person with one Latin-script name (pass `name=("Given", "Family")` or `names=[...]`)."""

    class Meta:
        model = Person
        skip_postgeneration_save = True

    organisation = factory.SubFactory(OrganisationFactory)
    region = factory.LazyFunction(lambda: region("KZ-55"))
    sex = "M"
    birth_date = dt.date(1990, 5, 17)
    name = ("Mohammad", "Ahmadi")

    @factory.post_generation
    def names(self, create: bool, rows: Any, **kwargs: Any) -> None:
        if not create:
            return
        rows = rows or [{"given_name": self._name[0], "family_name": self._name[1], "script": "latn"}]
        with unscoped("test factory"):
            for position, row in enumerate(rows):
                PersonName._base_manager.create(person=self, position=position, **row)
            services.reindex_names(self)
            self.registration_number = services.registration_number_for(self.pk)
            Person._base_manager.filter(pk=self.pk).update(registration_number=self.registration_number)

    @classmethod
    def _create(cls, model_class: Any, *args: Any, **kwargs: Any) -> Any:
        name = kwargs.pop("name", None)
        person = super()._create(model_class, *args, **kwargs)
        person._name = name or ("Mohammad", "Ahmadi")
        return person


class DocumentFactory(ScopedFactory):
    class Meta:
        model = Document

    type = "passport"
    number = factory.Sequence(lambda n: f"P{n:07d}")

"""Persons of concern and what is recorded about them.

Every model here holds personal data and so uses the fail-closed `ScopedManager`: a query with no
scope open raises. `person_scope_path` tells the manager how to reach the owning Person.
"""

import datetime as dt

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from panah.accounts.scope import ScopedManager
from panah.common.encryption import EncryptedTextField


class Sex(models.TextChoices):
    FEMALE = "F", _("female")
    MALE = "M", _("male")
    OTHER = "X", _("other")


class DatePrecision(models.TextChoices):
    DAY = "day", _("day")
    MONTH = "month", _("month")
    YEAR = "year", _("year")


class CitizenshipStatus(models.TextChoices):
    COUNTRY = "country", _("citizen of a country")
    STATELESS = "stateless", _("stateless")
    UNDETERMINED = "undetermined", _("undetermined")
    UNKNOWN = "unknown", _("not known")


class PopulationType(models.TextChoices):
    """UNHCR population types (ARCHITECTURE.md section 2)."""

    ASY = "ASY", _("asylum-seeker")
    REF = "REF", _("refugee")
    STA = "STA", _("stateless person")
    UND = "UND", _("undetermined nationality")
    OOC = "OOC", _("other of concern")


class Person(models.Model):
    person_scope_path = ""

    registration_number = models.CharField(_("registration number"), max_length=20, unique=True, null=True, editable=False)
    organisation = models.ForeignKey(
        "accounts.Organisation", on_delete=models.PROTECT, related_name="persons", verbose_name=_("registering organisation")
    )
    # The region of current residence, kept equal to the current address by the services.
    # Scoping reads it, so it is never empty.
    region = models.ForeignKey("geo.Region", on_delete=models.PROTECT, related_name="+", verbose_name=_("region"))
    sex = models.CharField(_("sex"), max_length=1, choices=Sex.choices, blank=True)
    birth_date = models.DateField(_("birth date"), null=True, blank=True)
    birth_date_precision = models.CharField(max_length=5, choices=DatePrecision.choices, default=DatePrecision.DAY)
    birth_date_estimated = models.BooleanField(_("birth date estimated"), default=False)
    birth_place = models.CharField(_("place of birth"), max_length=200, blank=True)
    birth_country = models.ForeignKey(
        "geo.Country", on_delete=models.PROTECT, null=True, blank=True, related_name="+", verbose_name=_("country of birth")
    )
    country_of_origin = models.ForeignKey(
        "geo.Country", on_delete=models.PROTECT, null=True, blank=True, related_name="+", verbose_name=_("country of origin")
    )
    citizenship_status = models.CharField(
        _("citizenship"), max_length=12, choices=CitizenshipStatus.choices, default=CitizenshipStatus.UNKNOWN
    )
    citizenship = models.ForeignKey(
        "geo.Country", on_delete=models.PROTECT, null=True, blank=True, related_name="+", verbose_name=_("country of citizenship")
    )
    iin = models.CharField(_("IIN"), max_length=12, blank=True, db_index=True)
    # Population type as of today, as known now; written only by the status services.
    population_type = models.CharField(
        _("population type"), max_length=3, choices=PopulationType.choices, blank=True, db_index=True, editable=False
    )
    created_at = models.DateTimeField(auto_now_add=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+", editable=False
    )
    updated_at = models.DateTimeField(auto_now=True)
    # Set when this record was merged into another as a duplicate (panah.matching.services.merge):
    # the record stays, with its registration number, so that number resolves to the survivor;
    # everything recorded about the person now belongs to the survivor. Cleared by unmerge.
    merged_into = models.ForeignKey(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="merged_duplicates",
        editable=False,
        verbose_name=_("merged into"),
    )

    objects = ScopedManager()

    class Meta:
        verbose_name = _("person")
        indexes = [
            models.Index(fields=["region", "organisation"]),
            # The ids of a regional scope from the index alone (PostgreSQL; SQLite's indexes carry the id anyway).
            models.Index(fields=["region", "organisation", "id"], name="person_scope_ids"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(citizenship_status="country", citizenship__isnull=False)
                | (~Q(citizenship_status="country") & Q(citizenship__isnull=True)),
                name="person_citizenship_country_iff_citizen",
            ),
            models.CheckConstraint(
                condition=Q(birth_date__isnull=True)
                | Q(birth_date_precision="day")
                | Q(birth_date_precision="month", birth_date__day=1)
                | Q(birth_date_precision="year", birth_date__day=1, birth_date__month=1),
                name="person_birth_date_matches_precision",
            ),
            models.CheckConstraint(
                condition=Q(merged_into__isnull=True) | ~Q(merged_into=F("pk")), name="person_not_merged_into_itself"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.registration_number or 'unregistered'}"

    def clean(self) -> None:
        from panah.registry.iin import InvalidIIN, parse_iin

        errors: dict[str, str] = {}
        today = timezone.localdate()
        if self.birth_date and self.birth_date > today:
            errors["birth_date"] = _("The birth date cannot be in the future.")
        elif self.birth_date and self.birth_date.year < today.year - 125:
            errors["birth_date"] = _("The birth date is more than 125 years ago.")
        if self.birth_date and self.birth_date_precision == DatePrecision.YEAR:
            self.birth_date = self.birth_date.replace(month=1, day=1)
        elif self.birth_date and self.birth_date_precision == DatePrecision.MONTH:
            self.birth_date = self.birth_date.replace(day=1)
        if self.citizenship_status == CitizenshipStatus.COUNTRY and not self.citizenship_id:
            errors["citizenship"] = _("Choose the country of citizenship.")
        if self.citizenship_status != CitizenshipStatus.COUNTRY:
            self.citizenship = None
        if self.iin:
            try:
                decoded = parse_iin(self.iin)
            except InvalidIIN as error:
                errors["iin"] = str(error)
            else:
                self.iin = decoded.number
                if self.birth_date and self.birth_date_precision == DatePrecision.DAY and decoded.birth_date != self.birth_date:
                    errors["iin"] = _("This IIN encodes the birth date %(date)s, not the one recorded.") % {
                        "date": decoded.birth_date.strftime("%d.%m.%Y")}
                elif self.sex in (Sex.FEMALE, Sex.MALE) and decoded.sex != self.sex:
                    errors["iin"] = _("This IIN encodes the other sex than the one recorded.")
        if errors:
            raise ValidationError(errors)

    @property
    def primary_name(self) -> "PersonName | None":
        names = list(self.names.all())
        return names[0] if names else None


class NameKind(models.TextChoices):
    OFFICIAL = "official", _("official")
    ORIGINAL = "original", _("original script")
    ALIAS = "alias", _("alias")
    FORMER = "former", _("former")


class Script(models.TextChoices):
    CYRILLIC = "cyrl", _("Cyrillic")
    LATIN = "latn", _("Latin")
    ARABIC = "arab", _("Arabic")
    OTHER = "other", _("other")


class PersonName(models.Model):
    person_scope_path = "person"

    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="names")
    kind = models.CharField(_("kind"), max_length=10, choices=NameKind.choices, default=NameKind.OFFICIAL)
    script = models.CharField(_("script"), max_length=5, choices=Script.choices)
    given_name = models.CharField(_("given name"), max_length=100, blank=True)
    family_name = models.CharField(_("family name"), max_length=100, blank=True)
    patronymic = models.CharField(_("patronymic / father's name"), max_length=100, blank=True)
    full_name = models.CharField(_("full name as written"), max_length=300, blank=True)
    position = models.PositiveSmallIntegerField(default=0)

    objects = ScopedManager()

    class Meta:
        ordering = ["position", "id"]
        verbose_name = _("name")
        constraints = [
            models.CheckConstraint(
                condition=~Q(given_name="", family_name="", full_name=""), name="name_not_empty"
            )
        ]

    def __str__(self) -> str:
        return self.display

    def clean(self) -> None:
        from panah.registry.names import detect_script

        if not (self.given_name.strip() or self.family_name.strip() or self.full_name.strip()):
            raise ValidationError(_("Give a given name, a family name or the full name as written."))
        if not self.script:
            self.script = detect_script(self.text)

    @property
    def display(self) -> str:
        parts = [self.family_name, self.given_name, self.patronymic]
        return " ".join(p for p in parts if p) or self.full_name

    @property
    def text(self) -> str:
        """Everything written in this name, for search keys."""
        return " ".join(p for p in [self.given_name, self.family_name, self.patronymic, self.full_name] if p)


class NameToken(models.Model):
    """One word of one name with its search keys: the index that name search reads."""

    person_scope_path = "person"

    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="name_tokens")
    name = models.ForeignKey(PersonName, on_delete=models.CASCADE, related_name="tokens")
    key = models.CharField(max_length=60)
    skeleton = models.CharField(max_length=60)
    # The person's birth year, copied here so that the duplicate check at registration reads only
    # the index entries of one name word and one birth year. 0 when unknown, so that one
    # `IN (year, 0)` finds those too (NULL would need a second lookup). Kept by `reindex_names`,
    # `sync_token_birth_years` and the registry's writes.
    birth_year = models.PositiveSmallIntegerField(default=0)

    objects = ScopedManager()

    class Meta:
        indexes = [
            models.Index(fields=["key", "person"], name="nametoken_key"),
            models.Index(fields=["skeleton", "person"], name="nametoken_skeleton"),
            models.Index(fields=["skeleton", "birth_year", "person"], name="nametoken_skeleton_year"),
            # Checks one person's words without reading the table (search walking a small scope).
            models.Index(fields=["person", "key"], name="nametoken_person_key"),
        ]

    def __str__(self) -> str:
        return f"{self.key} ({self.skeleton})"


class DocumentType(models.TextChoices):
    PASSPORT = "passport", _("passport")
    NATIONAL_ID = "national_id", _("national identity card")
    ASYLUM_SEEKER_CERTIFICATE = "asylum_cert", _("asylum-seeker certificate")
    REFUGEE_CERTIFICATE = "refugee_cert", _("refugee certificate")
    STATELESS_CERTIFICATE = "stateless_cert", _("stateless person certificate")
    RESIDENCE_PERMIT = "residence_permit", _("residence permit")
    BIRTH_CERTIFICATE = "birth_cert", _("birth certificate")
    TRAVEL_DOCUMENT = "travel_doc", _("travel document")
    OTHER = "other", _("other")


def document_key(number: str) -> str:
    """A document number as searched: letters and digits only, upper case."""
    return "".join(ch for ch in number.upper() if ch.isalnum())


class Document(models.Model):
    person_scope_path = "person"

    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="documents")
    type = models.CharField(_("document type"), max_length=20, choices=DocumentType.choices)
    number = models.CharField(_("number"), max_length=40)
    number_key = models.CharField(max_length=40, db_index=True, editable=False)
    issuing_country = models.ForeignKey(
        "geo.Country", on_delete=models.PROTECT, null=True, blank=True, related_name="+", verbose_name=_("issuing country")
    )
    issuer = models.CharField(_("issued by"), max_length=200, blank=True)
    valid_from = models.DateField(_("valid from"), null=True, blank=True)
    valid_to = models.DateField(_("valid to"), null=True, blank=True)

    objects = ScopedManager()

    class Meta:
        ordering = ["-valid_to", "-id"]
        verbose_name = _("document")
        # Expiring documents are found by date across a region (alerts, the caseload): by this index.
        indexes = [models.Index(fields=["valid_to"], name="document_valid_to")]
        constraints = [
            models.CheckConstraint(
                condition=Q(valid_to__isnull=True) | Q(valid_from__isnull=True) | Q(valid_to__gte=F("valid_from")),
                name="document_valid_period",
            )
        ]

    def __str__(self) -> str:
        return f"{self.get_type_display()} {self.number}"

    def save(self, *args: object, **kwargs: object) -> None:
        self.number_key = document_key(self.number)
        super().save(*args, **kwargs)  # type: ignore[arg-type]

    def clean(self) -> None:
        if not document_key(self.number):
            raise ValidationError({"number": _("A document number needs at least one letter or digit.")})
        if self.valid_from and self.valid_to and self.valid_to < self.valid_from:
            raise ValidationError({"valid_to": _("“Valid to” cannot be before “valid from”.")})
        if self.valid_from and self.valid_from > timezone.localdate():
            raise ValidationError({"valid_from": _("A document cannot be valid from a future date.")})


class Household(models.Model):
    """A group registered together. It holds no personal data itself; its members are scoped."""

    reference = models.CharField(_("household reference"), max_length=40, blank=True, db_index=True)
    organisation = models.ForeignKey("accounts.Organisation", on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("household")

    def __str__(self) -> str:
        return self.reference or f"household {self.pk}"


class Relationship(models.TextChoices):
    HEAD = "head", _("head of household")
    SPOUSE = "spouse", _("spouse")
    CHILD = "child", _("son or daughter")
    PARENT = "parent", _("father or mother")
    SIBLING = "sibling", _("brother or sister")
    GRANDCHILD = "grandchild", _("grandchild")
    OTHER_RELATIVE = "relative", _("other relative")
    NOT_RELATED = "unrelated", _("not related")


class HouseholdMember(models.Model):
    person_scope_path = "person"

    household = models.ForeignKey(Household, on_delete=models.CASCADE, related_name="members")
    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="household_memberships")
    relationship = models.CharField(_("relationship to head"), max_length=12, choices=Relationship.choices)
    valid_from = models.DateField(_("member from"))
    valid_to = models.DateField(_("member until"), null=True, blank=True)

    objects = ScopedManager()

    class Meta:
        ordering = ["valid_from", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["person"], condition=Q(valid_to__isnull=True), name="one_current_household_per_person"
            ),
            models.CheckConstraint(
                condition=Q(valid_to__isnull=True) | Q(valid_to__gt=F("valid_from")), name="household_member_period"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.household} · {self.get_relationship_display()}"


class Address(models.Model):
    person_scope_path = "person"

    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="addresses")
    region = models.ForeignKey("geo.Region", on_delete=models.PROTECT, related_name="+", verbose_name=_("region"))
    locality = models.CharField(_("locality"), max_length=120, blank=True)
    line = models.CharField(_("address"), max_length=300, blank=True)
    phone = EncryptedTextField(_("phone"), max_length=40, blank=True)  # encrypted at rest
    valid_from = models.DateField(_("lives here since"))
    valid_to = models.DateField(_("lived here until"), null=True, blank=True)

    objects = ScopedManager()

    class Meta:
        ordering = ["-valid_from", "-id"]
        verbose_name = _("address")
        verbose_name_plural = _("addresses")
        constraints = [
            models.CheckConstraint(
                condition=Q(valid_to__isnull=True) | Q(valid_to__gt=F("valid_from")), name="address_valid_period"
            )
        ]

    def __str__(self) -> str:
        return ", ".join(p for p in [str(self.region), self.locality, self.line] if p)

    def clean(self) -> None:
        if self.region_id and self.valid_from and not self.region.existed_on(self.valid_from):
            raise ValidationError({"region": _("%(region)s did not exist on %(date)s.") % {
                "region": self.region.name, "date": self.valid_from.strftime("%d.%m.%Y")}})
        if self.valid_to and self.valid_from and self.valid_to <= self.valid_from:
            raise ValidationError({"valid_to": _("An address must end after it starts.")})


class SpecificNeedCode(models.Model):
    """The UNHCR (proGres) specific-needs codes, loaded from specific_needs.py."""

    code = models.CharField(max_length=5, primary_key=True)
    category = models.CharField(max_length=2, db_index=True)
    label_en = models.CharField(max_length=200)
    label_ru = models.CharField(max_length=200, blank=True)
    label_kk = models.CharField(max_length=200, blank=True)
    highly_sensitive = models.BooleanField(default=False)

    class Meta:
        ordering = ["code"]

    def __str__(self) -> str:
        return f"{self.code} {self.label}"

    @property
    def label(self) -> str:
        language = (get_language() or "en")[:2]
        return getattr(self, f"label_{language}", "") or self.label_en


class SpecificNeed(models.Model):
    person_scope_path = "person"

    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="specific_needs")
    code = models.ForeignKey(SpecificNeedCode, on_delete=models.PROTECT, related_name="+")
    identified_on = models.DateField(_("identified on"))
    identified_by = models.ForeignKey("accounts.Organisation", on_delete=models.PROTECT, related_name="+")
    closed_on = models.DateField(_("no longer applies from"), null=True, blank=True)
    note = EncryptedTextField(max_length=300, blank=True)  # encrypted at rest

    objects = ScopedManager()

    class Meta:
        ordering = ["code"]
        constraints = [
            models.CheckConstraint(
                condition=Q(closed_on__isnull=True) | Q(closed_on__gte=F("identified_on")), name="specific_need_period"
            )
        ]

    def __str__(self) -> str:
        return f"{self.code_id} from {self.identified_on}"

    def is_active_on(self, day: dt.date) -> bool:
        return self.identified_on <= day and (self.closed_on is None or day < self.closed_on)


class Consent(models.Model):
    class LegalBasis(models.TextChoices):
        CONSENT = "consent", _("consent")
        VITAL_INTEREST = "vital_interest", _("vital interest")
        MANDATE = "mandate", _("mandate / public task")
        LEGAL_OBLIGATION = "legal_obligation", _("legal obligation")
        SAFETY = "safety", _("safety and security")

    person_scope_path = "person"

    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="consents")
    purpose = models.CharField(_("purpose"), max_length=200)
    legal_basis = models.CharField(_("legal basis"), max_length=20, choices=LegalBasis.choices, default=LegalBasis.CONSENT)
    given_on = models.DateField(_("given on"))
    language = models.CharField(_("language of the notice"), max_length=10, blank=True)
    taken_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    withdrawn_on = models.DateField(_("withdrawn on"), null=True, blank=True)
    # Whether the person agreed to be sent messages by SMS (appointment reminders, a document ready): without
    # it Panah never writes to the person (panah.alerts.sms).
    contact_by_sms = models.BooleanField(_("agrees to be contacted by SMS"), default=False)

    objects = ScopedManager()

    class Meta:
        ordering = ["-given_on"]

    def __str__(self) -> str:
        return f"{self.purpose} ({self.given_on})"

import datetime as dt
from collections.abc import Callable
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db import transaction
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from panah.accounts.models import Organisation
from panah.accounts.permissions import may, require
from panah.accounts.roles import Action
from panah.accounts.selectors import acting_organisation
from panah.audit.models import AuditEntry
from panah.audit.services import record, record_reads
from panah.cases.selectors import cases_of_person, kinds_user_may_open
from panah.geo.models import Region
from panah.matching import online
from panah.registry import selectors, services
from panah.registry.forms import (
    AddressForm,
    ConsentForm,
    DocumentForm,
    HouseholdForm,
    MoveForm,
    NamesForm,
    NewDocumentForm,
    PersonFieldsForm,
    SpecificNeedForm,
    apply_service_errors,
)
from panah.status.selectors import timeline


@login_required
def search(request: HttpRequest) -> HttpResponse:
    query = request.GET.get("q", "")
    result = selectors.search_persons(query) if query.strip() else None
    if result is not None:
        record_reads(by=request.user, persons=result.persons, message="search_result")
        record(
            by=request.user,
            action=AuditEntry.Action.SEARCH,
            message="search",
            params={"query": result.query[:250]},
            changes={"results": len(result.persons)},
        )
    template = "registry/search.html#results" if request.htmx else "registry/search.html"
    return render(request, template, {"query": query, "result": result})


@login_required
def person_detail(request: HttpRequest, number: str) -> HttpResponse:
    person = services.view_person(by=request.user, registration_number=number)
    if person.registration_number != number:  # a number merged into another record
        return redirect("registry:person", number=person.registration_number)
    today = timezone.localdate()
    events = timeline(person)
    user = request.user
    may_see_sensitive = may(user, Action.VIEW_SENSITIVE_NEEDS, person)
    superseded = {e.supersedes_id for e in events if e.supersedes_id}
    context = {
        "person": person,
        "names": list(person.names.all()),
        "events": events,
        "superseded": superseded,
        "documents": list(person.documents.all()),
        "addresses": list(person.addresses.select_related("region")),
        "households": list(person.household_memberships.select_related("household")),
        "household_members": selectors.current_household_members(person),
        "specific_needs": [
            need
            for need in person.specific_needs.select_related("code")
            if not need.code.highly_sensitive or may_see_sensitive
        ],
        "hidden_needs": not may_see_sensitive,
        "today": today,
        "soon": today + dt.timedelta(days=30),
        "can_change": may(user, Action.CHANGE_PERSON, person),
        "can_decide": may(user, Action.DECIDE_STATUS, person),
        "can_open_cases": bool(kinds_user_may_open(user, person)),
        "can_refer": may(user, Action.REFER_PERSONS, person),
        "can_audit": may(user, Action.VIEW_AUDIT),
        "can_export": may(user, Action.EXPORT_PERSONS, person),
        "can_print_certificate": may(user, Action.PRINT_CERTIFICATES, person),
        "cases": cases_of_person(user, person),
    }
    return render(request, "registry/person_detail.html", context)


def _registration_context(request: HttpRequest) -> tuple[list[Organisation], object]:
    require(request.user, Action.REGISTER_PERSON)
    return selectors.registration_places(request.user)


def _registering_organisation(request: HttpRequest, organisations: list[Organisation], region: Region) -> Organisation:
    """The user's organisation that may register in `region` (a user may belong to several)."""
    return next(
        (o for o in organisations if may(request.user, Action.REGISTER_PERSON, services.place(o, region))),
        organisations[0],
    )


DUPLICATE_DECISIONS = [
    ("different", gettext_lazy("None of these is the person: register a new person")),
    ("unsure", gettext_lazy("I am not sure: register, and ask a reviewer to compare")),
]


def _duplicate_decision(request: HttpRequest, candidates: list) -> tuple[str, str]:
    """The registrar's decision on the candidates shown, and an error when there is none yet.

    The decision holds only for the candidates it was made on: if the entries changed and other
    candidates appear, the registrar decides again."""
    if not candidates:
        return "", ""
    shown = ",".join(str(c.person.pk) for c in candidates)
    decision = request.POST.get("duplicate_decision", "")
    if request.POST.get("duplicate_shown") != shown or decision not in dict(DUPLICATE_DECISIONS):
        return "", _("This person may already be registered. Compare the records below and say what you decided.")
    return decision, ""


@login_required
def person_register(request: HttpRequest) -> HttpResponse:
    organisations, regions = _registration_context(request)
    data = request.POST if request.method == "POST" else None
    person_form = PersonFieldsForm(data, prefix="person")
    names_form = NamesForm(data, prefix="name")
    address_form = AddressForm(data, prefix="address", regions=regions)
    document_form = DocumentForm(data, prefix="document")
    consent_form = ConsentForm(data, prefix="consent")
    forms = [names_form, person_form, address_form, document_form, consent_form]
    candidates: list = []
    duplicate_error = ""
    if request.method == "POST" and all(f.is_valid() for f in forms):
        person_values = person_form.person_values()
        names = names_form.name_values()
        documents = document_form.document_values()
        candidates = online.check(
            online.registration_records(names, person_values, documents, address_form.cleaned_data), by=request.user
        )
        decision, duplicate_error = _duplicate_decision(request, candidates)
        if not duplicate_error:
            try:
                # The registration and the registrar's decision on the duplicates shown stand or fall together.
                with transaction.atomic():
                    person = services.register_person(
                        by=request.user,
                        organisation=_registering_organisation(
                            request, organisations, address_form.cleaned_data["region"]
                        ),
                        person=person_values,
                        names=names,
                        address={k: address_form.cleaned_data[k] for k in ("region", "locality", "line", "phone")},
                        documents=documents,
                        consent={
                            "purpose": consent_form.cleaned_data.get("consent_purpose"),
                            "legal_basis": consent_form.cleaned_data.get("consent_basis"),
                            "contact_by_sms": consent_form.cleaned_data.get("contact_by_sms", False),
                            "language": request.LANGUAGE_CODE,
                        },
                    )
                    if candidates:
                        online.record_decision(by=request.user, person=person, candidates=candidates, decision=decision)
            except ValidationError as error:
                fields = {name: form for form in forms for name in form.fields}
                apply_service_errors(error, fields)
            else:
                messages.success(request, _("Registered %(number)s.") % {"number": person.registration_number})
                return redirect("registry:person", number=person.registration_number)
    return render(
        request,
        "registry/person_form.html",
        {
            "title": _("Register a person"),
            "forms": forms,
            "names_form": names_form,
            "person_form": person_form,
            "address_form": address_form,
            "document_form": document_form,
            "consent_form": consent_form,
            "error_forms": [f for f in forms if f.errors],
            "duplicates": _duplicates_context(candidates, duplicate_error, request.POST.get("duplicate_decision", "")),
            "check_url": reverse("registry:register_check"),
        },
    )


def _duplicates_context(candidates: list, error: str, decision: str) -> dict[str, Any]:
    return {
        "candidates": candidates,
        "shown": ",".join(str(c.person.pk) for c in candidates),
        "error": error,
        "choices": DUPLICATE_DECISIONS,
        "decision": decision,
    }


@login_required
@require_POST
def register_check(request: HttpRequest) -> HttpResponse:
    """The duplicate check as the registrar types (htmx): candidates for what the form holds so far.

    Invalid or missing fields are left out; nothing is saved. The same check runs again on saving,
    so the page works without JavaScript too."""
    _organisations, regions = _registration_context(request)  # the same right as registering
    names_form = NamesForm(request.POST, prefix="name")
    person_form = PersonFieldsForm(request.POST, prefix="person")
    document_form = DocumentForm(request.POST, prefix="document")
    address_form = AddressForm(request.POST, prefix="address", regions=regions)
    candidates = []
    if names_form.is_valid():
        person_form.is_valid()
        document_form.is_valid()
        address_form.is_valid()
        person_values = person_form.person_values() if not person_form.errors.get("birth") else {}
        documents = document_form.document_values() if not document_form.errors else []
        address = {k: v for k, v in address_form.cleaned_data.items() if k not in address_form.errors}
        candidates = online.check(
            online.registration_records(names_form.name_values(), person_values, documents, address), by=request.user
        )
    return render(
        request,
        "registry/_duplicates.html",
        {"duplicates": _duplicates_context(candidates, "", request.POST.get("duplicate_decision", ""))},
    )


@login_required
def person_edit(request: HttpRequest, number: str) -> HttpResponse:
    person = selectors.get_person(number)
    require(request.user, Action.CHANGE_PERSON, person)
    names = list(person.names.all())
    data = request.POST if request.method == "POST" else None
    person_form = PersonFieldsForm(data, prefix="person", initial=PersonFieldsForm.initial_from(person))
    names_form = NamesForm(data, prefix="name", initial=NamesForm.initial_from(names))
    forms = [names_form, person_form]
    if request.method == "POST" and all(f.is_valid() for f in forms):
        try:
            services.update_person(by=request.user, person=person, changes=person_form.person_values())
            if names_form.has_changed():
                # Names the form does not show (aliases, former names) are kept after the edited ones.
                kept = [
                    {
                        f: getattr(n, f)
                        for f in ("kind", "script", "given_name", "family_name", "patronymic", "full_name")
                    }
                    for n in names
                    if n.kind in ("alias", "former")
                ]
                services.set_names(by=request.user, person=person, names=[*names_form.name_values(), *kept])
        except ValidationError as error:
            apply_service_errors(error, {name: form for form in forms for name in form.fields})
        else:
            messages.success(request, _("Saved."))
            return redirect("registry:person", number=person.registration_number)
    return render(
        request,
        "registry/person_form.html",
        {
            "title": _("Change %(number)s") % {"number": person.registration_number},
            "person": person,
            "forms": forms,
            "names_form": names_form,
            "person_form": person_form,
            "error_forms": [f for f in forms if f.errors],
        },
    )


@login_required
def person_list(request: HttpRequest) -> HttpResponse:
    persons = selectors.person_list_queryset().order_by("-pk")
    page = Paginator(persons, 25).get_page(request.GET.get("page"))
    record_reads(by=request.user, persons=list(page.object_list), message="person_list")
    return render(request, "registry/person_list.html", {"page": page})


def _change_page(
    request: HttpRequest,
    number: str,
    form_class: type,
    title: str,
    save: Callable[[Any, dict[str, Any]], object],
    **form_kwargs: Any,
) -> HttpResponse:
    """A page that adds one thing to a person's record: check the right, validate, call the service."""
    person = selectors.get_person(number)
    require(request.user, Action.CHANGE_PERSON, person)
    form = form_class(request.POST or None, **form_kwargs)
    if request.method == "POST" and form.is_valid():
        try:
            save(person, form.cleaned_data)
        except ValidationError as error:
            apply_service_errors(error, dict.fromkeys(form.fields, form))
        except PermissionDenied as error:
            form.add_error(None, str(error))
        else:
            messages.success(request, _("Saved."))
            return redirect("registry:person", number=person.registration_number)
    return render(
        request,
        "registry/change_form.html",
        {
            "person": person,
            "form": form,
            "title": title,
            "error_forms": [form] if form.errors else [],
        },
    )


@login_required
def add_document(request: HttpRequest, number: str) -> HttpResponse:
    return _change_page(
        request,
        number,
        NewDocumentForm,
        _("Add a document"),
        lambda person, data: services.add_document(
            by=request.user,
            person=person,
            fields={k: data[k] for k in ("type", "number", "issuer", "valid_from", "valid_to")},
        ),
    )


@login_required
def move(request: HttpRequest, number: str) -> HttpResponse:
    return _change_page(
        request,
        number,
        MoveForm,
        _("Record a new address"),
        lambda person, data: services.move_person(by=request.user, person=person, address=data),
        regions=Region.objects.valid_on(timezone.localdate()),
    )


@login_required
def add_specific_need(request: HttpRequest, number: str) -> HttpResponse:
    return _change_page(
        request,
        number,
        SpecificNeedForm,
        _("Record a specific need"),
        lambda person, data: services.add_specific_need(
            by=request.user,
            person=person,
            organisation=acting_organisation(request.user, Action.CHANGE_PERSON, person),
            **data,
        ),
    )


@login_required
def join_household(request: HttpRequest, number: str) -> HttpResponse:
    def save(person: Any, data: dict[str, Any]) -> object:
        try:
            head = selectors.get_person(data["head"].strip().upper())
        except Http404:
            raise ValidationError({"head": _("No person with that registration number that you may see.")}) from None
        return services.join_household(
            by=request.user, person=person, head=head, relationship=data["relationship"], since=data["since"]
        )

    return _change_page(request, number, HouseholdForm, _("Add to a household"), save)

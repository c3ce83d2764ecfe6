"""Pages of the knowledge base, trainings, partner projects, leaflets and shared information. Thin:
parse, call one selector or service, render."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_POST

from panah.accounts.permissions import may, require
from panah.accounts.roles import Action
from panah.audit.services import record_reads
from panah.common.phrases import label
from panah.knowledge import selectors, services
from panah.knowledge.forms import (
    ArticleForm,
    OnDateForm,
    ParticipantFileForm,
    ParticipantForm,
    ReportForm,
    SearchForm,
    ShareForm,
    SubscriptionForm,
    TrainingForm,
    VersionForm,
)
from panah.knowledge.models import (
    ARTICLE_LANGUAGES,
    HTML_LANG,
    LEAFLET_LANGUAGES,
    NATIVE_NAMES,
    RIGHT_TO_LEFT,
    Article,
    Leaflet,
    Topic,
)
from panah.registry import services as registry
from panah.registry.forms import apply_service_errors
from panah.registry.selectors import get_person

PAGE_SIZE = 25
LANGUAGE_NAMES = {**dict(LEAFLET_LANGUAGES), **dict(ARTICLE_LANGUAGES)}


def _language(request: HttpRequest) -> str:
    return getattr(request, "LANGUAGE_CODE", "ru")


def _may_publish(request: HttpRequest) -> bool:
    return may(request.user, Action.PUBLISH_KNOWLEDGE)


# Knowledge base -----------------------------------------------------------------------------------


@login_required
def home(request: HttpRequest) -> HttpResponse:
    today = timezone.localdate()
    topic = request.GET.get("topic") if request.GET.get("topic") in Topic.values else None
    articles = selectors.articles_in_force(on=today, language=_language(request), topic=topic)
    return render(
        request,
        "knowledge/home.html",
        {
            "title": _("Knowledge base"),
            "search_form": SearchForm(),
            "articles": articles,
            "topics": Topic.choices,
            "topic": topic,
            "today": today,
            "may_publish": _may_publish(request),
        },
    )


@login_required
def search(request: HttpRequest) -> HttpResponse:
    form = SearchForm(request.GET)
    query = form.cleaned_data["q"].strip() if form.is_valid() else ""
    results = selectors.search_articles(query, language=_language(request)) if query else None
    template = "knowledge/search.html#results" if request.htmx else "knowledge/search.html"
    return render(
        request,
        template,
        {
            "title": _("Search the knowledge base"),
            "search_form": form,
            "query": query,
            "results": results,
            "language_names": LANGUAGE_NAMES,
        },
    )


@login_required
def latest_updates(request: HttpRequest) -> HttpResponse:
    return render(
        request,
        "knowledge/updates.html",
        {
            "title": _("Latest updates"),
            "updates": selectors.latest_updates(language=_language(request)),
            "today": timezone.localdate(),
            "language_names": LANGUAGE_NAMES,
        },
    )


@login_required
def subscriptions(request: HttpRequest) -> HttpResponse:
    if request.method == "POST":
        form = SubscriptionForm(request.POST)
        if form.is_valid():
            services.set_subscriptions(user=request.user, topics=form.cleaned_data["topics"])
            messages.success(request, _("Your subscriptions are saved."))
            return redirect("knowledge:subscriptions")
    else:
        form = SubscriptionForm(initial={"topics": sorted(selectors.subscribed_topics(request.user))})
    return render(
        request,
        "knowledge/subscriptions.html",
        {"title": _("Subscriptions"), "form": form, "has_email": bool(request.user.email)},
    )


@login_required
def article_detail(request: HttpRequest, slug: str) -> HttpResponse:
    today = timezone.localdate()
    date_form = OnDateForm(request.GET or None)
    on = (date_form.cleaned_data.get("on") if date_form.is_valid() else None) or today
    page = selectors.article_page(slug, on=on, language=_language(request))
    return render(
        request,
        "knowledge/article.html",
        {
            "title": page.shown.translation.title if page.shown else page.article.slug,
            "page": page,
            "shown": page.shown,
            "date_form": date_form,
            "today": today,
            "is_today": on == today,
            "may_publish": _may_publish(request),
            "language_names": LANGUAGE_NAMES,
        },
    )


def _publish_page(request: HttpRequest, form: Any, title: str, article: Article | None) -> HttpResponse:
    return render(
        request,
        "knowledge/article_form.html",
        {"title": title, "form": form, "article": article, "error_forms": [form] if form.errors else []},
    )


@login_required
def article_new(request: HttpRequest) -> HttpResponse:
    require(request.user, Action.PUBLISH_KNOWLEDGE)
    form = ArticleForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            version = services.publish_article(
                by=request.user,
                slug=data["slug"],
                topic=data["topic"],
                effective_from=data["effective_from"],
                legal_references=data["legal_references"],
                translations=form.translations(),
            )
        except ValidationError as error:
            apply_service_errors(error, dict.fromkeys(form.fields, form))
        else:
            messages.success(request, _("Published."))
            return redirect("knowledge:article", slug=version.article.slug)
    return _publish_page(request, form, _("New article"), None)


@login_required
def article_update(request: HttpRequest, slug: str) -> HttpResponse:
    require(request.user, Action.PUBLISH_KNOWLEDGE)
    page = selectors.article_page(slug, on=timezone.localdate(), language=_language(request))
    latest = page.versions[0] if page.versions else None
    initial: dict[str, Any] = {}
    if latest is not None:
        initial["legal_references"] = latest.legal_references
        for translation in latest.translations.all():
            initial[f"title_{translation.language}"] = translation.title
            initial[f"body_{translation.language}"] = translation.body
    form = VersionForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            version = services.publish_version(
                by=request.user,
                article=page.article,
                effective_from=form.cleaned_data["effective_from"],
                legal_references=form.cleaned_data["legal_references"],
                translations=form.translations(),
            )
        except ValidationError as error:
            apply_service_errors(error, dict.fromkeys(form.fields, form))
        else:
            messages.success(request, _("Published version %(number)s.") % {"number": version.number})
            return redirect(
                reverse("knowledge:article", kwargs={"slug": slug}) + f"?on={version.effective_from:%d.%m.%Y}"
            )
    return _publish_page(request, form, _("Publish a change"), page.article)


# Trainings ----------------------------------------------------------------------------------------


def _may_record_trainings(request: HttpRequest) -> bool:
    return may(request.user, Action.RECORD_TRAININGS)


@login_required
def training_list(request: HttpRequest) -> HttpResponse:
    page = Paginator(selectors.trainings_for_user(request.user), PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "knowledge/training_list.html",
        {"title": _("Trainings"), "page": page, "may_record": _may_record_trainings(request)},
    )


@login_required
def training_new(request: HttpRequest) -> HttpResponse:
    require(request.user, Action.RECORD_TRAININGS)
    form = TrainingForm(request.POST or None, regions=selectors.training_regions(request.user, Action.RECORD_TRAININGS))
    if request.method == "POST" and form.is_valid():
        try:
            training = services.record_training(by=request.user, **form.cleaned_data)
        except ValidationError as error:
            apply_service_errors(error, dict.fromkeys(form.fields, form))
        else:
            messages.success(request, _("Training recorded. Now add its participants."))
            return redirect("knowledge:training", pk=training.pk)
    return render(
        request,
        "knowledge/training_form.html",
        {"title": _("Record a training"), "form": form, "error_forms": [form] if form.errors else []},
    )


def _training_context(
    request: HttpRequest, training: Any, form: Any = None, file_form: Any = None, file_report: Any = None
) -> dict[str, Any]:
    may_add = may(request.user, Action.RECORD_TRAININGS, training.region_id)
    return {
        "title": training.title,
        "training": training,
        "participations": list(selectors.participations_for_user(request.user, training)),
        "may_add": may_add,
        "form": form or ParticipantForm(),
        "error_forms": [form] if form is not None and form.errors else [],
        "file_form": file_form or ParticipantFileForm(),
        "file_report": file_report,
    }


@login_required
def training_detail(request: HttpRequest, pk: int) -> HttpResponse:
    training = selectors.get_training_for_user(request.user, pk)
    return render(request, "knowledge/training.html", _training_context(request, training))


@login_required
@require_POST
def add_participant(request: HttpRequest, pk: int) -> HttpResponse:
    training = selectors.get_training_for_user(request.user, pk)
    form = ParticipantForm(request.POST)
    if form.is_valid():
        data = form.cleaned_data
        try:
            services.add_participant(
                by=request.user,
                training=training,
                official={k: data[k] for k in ("full_name", "organisation", "department", "position", "region", "sex")},
                attended=data["attended"],
                pre_test=data["pre_test"],
                post_test=data["post_test"],
                feedback_rating=data["feedback_rating"],
                feedback=data["feedback"],
            )
        except ValidationError as error:
            apply_service_errors(error, dict.fromkeys(form.fields, form))
        else:
            if not request.htmx:
                messages.success(request, _("Participant added."))
                return redirect("knowledge:training", pk=training.pk)
            form = None
    template = "knowledge/training.html#participants" if request.htmx else "knowledge/training.html"
    status = 400 if form is not None and form.errors else 200
    return render(request, template, _training_context(request, training, form), status=status)


@login_required
@require_POST
def import_participants(request: HttpRequest, pk: int) -> HttpResponse:
    """A participant list from a spreadsheet: checked whole, then written whole, or not at all."""
    from panah.knowledge import participants_file

    training = selectors.get_training_for_user(request.user, pk)
    file_form = ParticipantFileForm(request.POST, request.FILES)
    report = None
    if file_form.is_valid():
        upload = file_form.cleaned_data["file"]
        report = participants_file.read(upload.read(), upload.name)
        if not report.problems:
            try:
                added = services.import_participants(by=request.user, training=training, rows=report.rows)
            except ValidationError as error:
                file_form.add_error("file", error)
            else:
                messages.success(
                    request,
                    ngettext("%(n)s participant added from the file.", "%(n)s participants added from the file.", added)
                    % {"n": added},
                )
                return redirect("knowledge:training", pk=training.pk)
    return render(
        request,
        "knowledge/training.html",
        _training_context(request, training, file_form=file_form, file_report=report),
        status=400,
    )


@login_required
def training_reports(request: HttpRequest) -> HttpResponse:
    user = request.user
    form = ReportForm(request.GET or None, years=selectors.training_years(user))
    by, year = "region", None
    if form.is_valid():
        by = form.cleaned_data["by"] or "region"
        year = form.cleaned_data["year"]
    rows = selectors.officials_trained(user, by, year=year)
    scores, total = selectors.score_change(user, year=year)
    return render(
        request,
        "knowledge/training_reports.html",
        {
            "title": _("Training reports"),
            "form": form,
            "by": by,
            "by_label": dict(form.fields["by"].choices).get(by, by),
            "year": year,
            "rows": rows,
            "total_officials": sum(r.officials for r in rows) if by in ("region", "organisation") else None,
            "not_reached": selectors.regions_not_reached(user),
            "scores": scores,
            "score_total": total,
        },
    )


# Partner projects, leaflets, shared information ---------------------------------------------------


@login_required
def project_list(request: HttpRequest) -> HttpResponse:
    from panah.knowledge.forms import _regions

    region = request.GET.get("region") or None
    return render(
        request,
        "knowledge/projects.html",
        {
            "title": _("Partner projects"),
            "projects": list(selectors.projects(region=region)),
            "regions": list(_regions()),
            "region": region,
        },
    )


@login_required
def leaflet_list(request: HttpRequest) -> HttpResponse:
    return render(
        request,
        "knowledge/leaflets.html",
        {"title": _("Information leaflets"), "leaflets": list(selectors.leaflets()), "native_names": NATIVE_NAMES},
    )


@login_required
def leaflet_detail(request: HttpRequest, slug: str, language: str) -> HttpResponse:
    translation = selectors.leaflet_translation(slug, language)
    return render(
        request,
        "knowledge/leaflet.html",
        {"title": translation.title, "translation": translation, "native_names": NATIVE_NAMES},
    )


@login_required
def person_shared(request: HttpRequest, number: str) -> HttpResponse:
    if request.method == "POST":  # a refused change must not leave a read behind it
        require(request.user, Action.CHANGE_PERSON, get_person(number))
    person = registry.view_person(by=request.user, registration_number=number, purpose="information shared")
    if person.registration_number != number:
        return redirect("knowledge:person_shared", number=person.registration_number)
    may_record = may(request.user, Action.CHANGE_PERSON, person)
    form = ShareForm(
        request.POST or None,
        leaflets=Leaflet.objects.prefetch_related("translations"),
        projects=selectors.projects(region=person.region_id),
    )
    if request.method == "POST" and form.is_valid():
        try:
            shared = services.record_shared_information(by=request.user, person=person, **form.cleaned_data)
        except ValidationError as error:
            apply_service_errors(error, dict.fromkeys(form.fields, form))
        else:
            messages.success(request, _("Recorded. You can print the handout now."))
            return redirect(reverse("knowledge:person_shared", kwargs={"number": number}) + f"#shared-{shared.pk}")
    return render(
        request,
        "knowledge/person_shared.html",
        {
            "title": _("Information shared with %(number)s") % {"number": person.registration_number},
            "person": person,
            "shared": list(selectors.shared_with(person)),
            "form": form,
            "may_record": may_record,
            "error_forms": [form] if form.errors else [],
            "language_names": LANGUAGE_NAMES,
        },
    )


@login_required
def handout(request: HttpRequest, pk: int) -> HttpResponse:
    item = selectors.get_handout(request.user, pk)
    record_reads(
        by=request.user,
        persons=[item.shared.person],
        obj=item.shared,
        purpose="handout printed",
        message="handout",
        params={"language": label("knowledge.ArticleTranslation.language", item.language)},
    )
    if item.leaflet is None and item.project is None:
        raise Http404(_("Nothing to print."))
    return render(
        request,
        "knowledge/handout.html",
        {
            "handout": item,
            "html_lang": HTML_LANG.get(item.language, item.language),
            "rtl": item.language in RIGHT_TO_LEFT,
            "native_names": NATIVE_NAMES,
            "today": timezone.localdate(),
        },
    )

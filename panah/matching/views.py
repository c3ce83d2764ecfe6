"""Duplicate review pages: the queue, a pair side by side with its decision, the merge step, a merge."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from panah.accounts.permissions import may, may_all, require
from panah.accounts.roles import Action
from panah.audit.services import record_reads
from panah.jobs.models import Job
from panah.jobs.services import start as start_job
from panah.matching import selectors, services
from panah.matching.forms import DecisionForm, MergeForm, QueueFilterForm, UnmergeForm
from panah.matching.models import PairState
from panah.matching.tasks import find_duplicates_in_registry

PAGE_SIZE = 25

# How the merge page names each kind of moved row (keys as in services.MOVED).
MOVED_LABELS = {
    "registry.PersonName": gettext_lazy("names"),
    "registry.NameToken": gettext_lazy("name search keys"),
    "registry.Document": gettext_lazy("documents"),
    "registry.Address": gettext_lazy("addresses"),
    "registry.SpecificNeed": gettext_lazy("specific needs"),
    "registry.HouseholdMember": gettext_lazy("household memberships"),
    "registry.Consent": gettext_lazy("consents"),
    "status.StatusEvent": gettext_lazy("status events"),
}


@login_required
def queue(request: HttpRequest) -> HttpResponse:
    form = QueueFilterForm(request.GET)
    filters = form.cleaned_data if form.is_valid() else {"state": PairState.OPEN, "source": ""}
    pairs = selectors.pairs_for_user(request.user, state=filters["state"] or None, source=filters["source"] or None)
    page = Paginator(pairs, PAGE_SIZE).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    template = "matching/queue.html#results" if request.htmx else "matching/queue.html"
    return render(
        request,
        template,
        {
            "title": _("Possible duplicates"),
            "form": form,
            "page": page,
            "filter_query": query.urlencode(),
            "may_run_batch": may(request.user, Action.MAINTAIN),
        },
    )


def _pair_context(request: HttpRequest, pair, **extra):  # type: ignore[no-untyped-def]
    left, right = selectors.side_by_side(pair)
    merge = selectors.live_merge_of(pair)
    both = (pair.left, pair.right)
    may_merge = may_all(request.user, Action.MERGE_PERSONS, both)
    return {
        "title": _("Are these the same person?"),
        "pair": pair,
        "sides": [left, right],
        "merge": merge,
        "may_review": may_all(request.user, Action.REVIEW_DUPLICATES, both),
        "may_merge": may_merge,
        "decision_form": extra.pop("decision_form", None) or DecisionForm(initial={"note": pair.note}),
        **extra,
    }


@login_required
def pair_detail(request: HttpRequest, pk: int) -> HttpResponse:
    pair = selectors.get_pair_for_user(request.user, pk)
    record_reads(by=request.user, persons=[pair.left, pair.right], obj=pair, purpose="duplicate review")
    return render(request, "matching/pair.html", _pair_context(request, pair))


@login_required
@require_POST
def decide(request: HttpRequest, pk: int) -> HttpResponse:
    pair = selectors.get_pair_for_user(request.user, pk)
    form = DecisionForm(request.POST)
    if form.is_valid():
        try:
            pair = services.decide(
                by=request.user, pair=pair, decision=form.cleaned_data["decision"], note=form.cleaned_data["note"]
            )
        except ValidationError as error:
            for text in error.messages:
                form.add_error(None, text)
        else:
            if pair.state == PairState.SAME:
                both = (pair.left, pair.right)
                if may_all(request.user, Action.MERGE_PERSONS, both) and selectors.live_merge_of(pair) is None:
                    messages.success(request, _("Recorded: the same person. Now choose which record survives."))
                    return redirect("matching:merge", pk=pair.pk)
                messages.success(request, _("Recorded: the same person. A status decision officer can merge them."))
            else:
                messages.success(request, _("Recorded: %(decision)s.") % {"decision": pair.get_state_display()})
            return redirect(reverse("matching:queue"))
    return render(
        request,
        "matching/pair.html",
        _pair_context(request, pair, decision_form=form, error_forms=[form]),
        status=400,
    )


@login_required
def merge(request: HttpRequest, pk: int) -> HttpResponse:
    pair = selectors.get_pair_for_user(request.user, pk)
    for person in (pair.left, pair.right):
        require(request.user, Action.MERGE_PERSONS, person)
    done = selectors.live_merge_of(pair)
    if done is not None:
        return redirect("matching:merge_detail", pk=done.pk)
    survivor = selectors.default_survivor(pair)
    form = MergeForm(request.POST or None, persons=(pair.left, pair.right), initial={"survivor": str(survivor.pk)})
    if request.method == "POST" and form.is_valid():
        survivor, merged = form.chosen()
        try:
            done = services.merge(
                by=request.user, survivor=survivor, merged=merged, reason=form.cleaned_data["reason"], pair=pair
            )
        except ValidationError as error:
            for text in error.messages:
                form.add_error(None, text)
        else:
            messages.success(
                request,
                _("%(merged)s is merged into %(survivor)s.")
                % {"merged": merged.registration_number, "survivor": survivor.registration_number},
            )
            return redirect("matching:merge_detail", pk=done.pk)
    conflicts = [] if form.errors else services.merge_conflicts(pair.left, pair.right)
    return render(
        request,
        "matching/merge_form.html",
        {
            "title": _("Merge two records"),
            "pair": pair,
            "form": form,
            "conflicts": conflicts,
            "error_forms": [form] if form.errors else [],
        },
        status=400 if form.errors else 200,
    )


@login_required
def merge_detail(request: HttpRequest, pk: int) -> HttpResponse:
    merge = selectors.get_merge_for_user(request.user, pk)
    may_merge = may_all(request.user, Action.MERGE_PERSONS, (merge.survivor, merge.merged))
    form = UnmergeForm(request.POST or None)
    if request.method == "POST":
        for person in (merge.survivor, merge.merged):
            require(request.user, Action.MERGE_PERSONS, person)
        if form.is_valid():
            try:
                merge = services.unmerge(by=request.user, merge=merge, reason=form.cleaned_data["reason"])
            except ValidationError as error:
                for text in error.messages:
                    form.add_error(None, text)
            else:
                messages.success(
                    request,
                    _("The merge is undone: %(merged)s is a record of its own again.")
                    % {"merged": merge.merged.registration_number},
                )
                if any(merge.missing_on_undo.values()):
                    messages.warning(
                        request,
                        _("Some rows that moved in the merge were deleted since and could not be given back: %(rows)s.")
                        % {"rows": ", ".join(f"{k} {v}" for k, v in merge.missing_on_undo.items())},
                    )
                return redirect("matching:merge_detail", pk=merge.pk)
    moved = [
        (MOVED_LABELS.get(label, label), len(ids)) for label, ids in merge.snapshot.get("moved", {}).items() if ids
    ]
    return render(
        request,
        "matching/merge.html",
        {
            "title": _("Merge of %(merged)s into %(survivor)s")
            % {"merged": merge.merged.registration_number, "survivor": merge.survivor.registration_number},
            "merge": merge,
            "moved": moved,
            "may_merge": may_merge,
            "form": form,
            "error_forms": [form] if form.errors else [],
        },
        status=400 if form.errors else 200,
    )


@login_required
@require_POST
def run_batch(request: HttpRequest) -> HttpResponse:
    """Start a duplicate run over the whole registry in the background; its pairs join the queue."""
    require(request.user, Action.MAINTAIN)
    job = start_job(kind=Job.Kind.FIND_DUPLICATES, by=request.user, task=find_duplicates_in_registry)
    return redirect("jobs:job", pk=job.pk)

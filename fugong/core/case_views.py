"""The moves view and the API moves endpoint of every case type (fugong.core.cases). The caller names its access
gate, its table and its move service; core knows no access rule."""

from collections.abc import Callable

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from fugong.core.cases import CaseType
from fugong.core.schemas import Error


def _gated(user, pk: int, kind: CaseType):
    """The case through its gate (404 out of sight), and 404 too when the user sees it but may make none of its
    moves: for them the write is out of scope."""
    case = kind.gate(user, pk)
    if not kind.table.may_move(case, user):
        raise Http404
    return case


def moves_view(kind: CaseType, *, form: type, detail: str, answer: Callable | None = None):
    """The view behind a detail page's move buttons: `form` checks the POST, the case type's move service makes
    the move with the cleaned data, a message says what happened (`answer(case)`, a sentence such as
    "已受理，办理时限3月2日。"), and the user goes back to the `detail` URL."""

    @login_required
    @require_POST
    def view(request, pk: int):
        case = _gated(request.user, pk, kind)
        bound = form(request.POST)
        if not bound.is_valid():
            messages.error(request, " ".join(str(m) for errors in bound.errors.values() for m in errors))
            return redirect(reverse(detail, args=[pk]))
        try:
            moved = kind.make_move(actor=request.user, case=case, **bound.cleaned_data)
        except ValidationError as e:
            messages.error(request, " ".join(m for ms in e.message_dict.values() for m in ms))
        else:
            messages.success(request, answer(moved) if answer else _("Saved."))
        return redirect(reverse(detail, args=[pk]))

    return view


def add_moves_endpoint(router, kind: CaseType, *, name: str, move_in, case_out, arguments: Callable | None = None):
    """`POST /{id}/moves` on `router`, named `name`: the case through its gate, the move with
    `arguments(payload)` (by default the payload's fields), then the case as it is now. A refused move answers
    400 naming the field (the API's ValidationError handler)."""

    @router.post(
        "/{int:case_id}/moves",
        response={200: case_out, 400: Error, 404: Error},
        url_name=name,
        operation_id=name,
        summary=name.replace("_", " ").capitalize(),
    )
    def endpoint(request, case_id: int, payload: move_in):
        case = _gated(request.auth, case_id, kind)
        kind.make_move(actor=request.auth, case=case, **(arguments(payload) if arguments else payload.dict()))
        return kind.gate(request.auth, case_id)

    return endpoint

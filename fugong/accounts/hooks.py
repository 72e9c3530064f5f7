"""Hooks that apps above accounts register in their AppConfig.ready(), so that accounts never imports them.

LOGIN_GATES: called as gate(request, user, next_url) once the password is right and before the user is signed
in; a gate that answers a response (the second-factor step, fugong/security) takes over the sign-in.
"""

from collections.abc import Callable

from django.http import HttpRequest, HttpResponse

LOGIN_GATES: list[Callable[[HttpRequest, object, str], HttpResponse | None]] = []


def register_login_gate(gate: Callable[[HttpRequest, object, str], HttpResponse | None]) -> None:
    if gate not in LOGIN_GATES:
        LOGIN_GATES.append(gate)

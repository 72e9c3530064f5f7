from django.contrib import messages
from django.contrib.auth import logout, update_session_auth_hash
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.contrib.auth.forms import PasswordChangeForm
from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from fugong.accounts import hooks, services
from fugong.accounts.forms import LoginForm


class LoginView(auth_views.LoginView):
    """The password step; a gate registered in accounts.hooks (the second factor) may take over before login."""

    def form_valid(self, form):
        for gate in hooks.LOGIN_GATES:
            response = gate(self.request, form.get_user(), self.get_success_url())
            if response is not None:
                return response
        return super().form_valid(form)


login_view = LoginView.as_view(
    template_name="accounts/login.html", authentication_form=LoginForm, redirect_authenticated_user=True
)


@require_POST
def logout_view(request):
    logout(request)
    return redirect("accounts:login")


@login_required
def settings_view(request):
    return render(request, "accounts/settings.html", {"tokens": request.user.api_tokens.all(), "new_token": None})


@never_cache  # the page holds the raw token: no cache may keep a copy
@login_required
@require_POST
def token_create(request):
    try:
        _token, raw = services.token_create(user=request.user, name=request.POST.get("name", ""))
    except ValidationError as e:
        messages.error(request, " ".join(m for ms in e.message_dict.values() for m in ms))
        return redirect("accounts:settings")
    context = {"tokens": request.user.api_tokens.all(), "new_token": raw}
    return render(request, "accounts/settings.html", context)


@login_required
@require_POST
def token_revoke(request, pk):
    token = get_object_or_404(request.user.api_tokens, pk=pk)
    services.token_revoke(token=token)
    messages.success(request, _("The token “%(name)s” is revoked.") % {"name": token.name})
    return redirect("accounts:settings")


@login_required
def password_change(request):
    form = PasswordChangeForm(request.user, request.POST or None)
    if request.method == "POST" and form.is_valid():
        user = form.save()
        update_session_auth_hash(request, user)
        messages.success(request, _("Your password is changed."))
        return redirect("accounts:settings")
    return render(request, "accounts/password_change.html", {"form": form})

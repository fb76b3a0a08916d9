"""Passwords: the first one from an invitation, reset by e-mail (rate-limited), change.

Reset and change are Django's own views with the project's templates and audited forms.
The reset request page answers the same whether or not the address has an account, and
whether or not the rate limit held the e-mail back, so it tells an attacker nothing.
"""

from __future__ import annotations

import hashlib
from typing import Any

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_not_required
from django.contrib.auth.forms import PasswordResetForm
from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import redirect, render
from django.urls import reverse_lazy
from django.utils.decorators import method_decorator
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache

from bridgeway.core import services as accounts
from bridgeway.core.models import User
from bridgeway.core.signin import client_address
from bridgeway.web.accounts.forms import (
    AuditedPasswordChangeForm,
    AuditedSetPasswordForm,
    InvitationPasswordForm,
)
from bridgeway.web.common import apply_errors

HOUR = 3600


def _over_limit(key: str, limit: int) -> bool:
    """Count one request under `key` for an hour; True once the count passes `limit`."""
    cache.add(key, 0, timeout=HOUR)
    try:
        count = cache.incr(key)
    except ValueError:  # expired between add and incr: start again
        cache.set(key, 1, timeout=HOUR)
        count = 1
    return count > limit


@method_decorator(never_cache, name="dispatch")
class PasswordResetView(auth_views.PasswordResetView):
    template_name = "accounts/password_reset_form.html"
    email_template_name = "accounts/email/password_reset.txt"
    subject_template_name = "accounts/email/password_reset_subject.txt"
    success_url = reverse_lazy("password_reset_done")

    def form_valid(self, form: PasswordResetForm) -> HttpResponse:
        email = form.cleaned_data["email"]
        # Keys hold a hash of the address, so the cache never holds an e-mail address.
        digest = hashlib.sha256(email.strip().lower().encode()).hexdigest()
        limited = (_over_limit(f"pwreset:ip:{client_address(self.request)}",
                               settings.BRIDGEWAY_RESET_LIMIT_PER_ADDRESS)
                   | _over_limit(f"pwreset:email:{digest}",
                                 settings.BRIDGEWAY_RESET_LIMIT_PER_EMAIL))
        users: list[User | None] = list(form.get_users(email))
        for user in users or [None]:
            accounts.password_reset_requested(user=user, sent=not limited)
        if limited:
            return HttpResponseRedirect(self.get_success_url())
        return super().form_valid(form)


@method_decorator(never_cache, name="dispatch")
class PasswordResetDoneView(auth_views.PasswordResetDoneView):
    template_name = "accounts/password_reset_done.html"


class PasswordResetConfirmView(auth_views.PasswordResetConfirmView):
    template_name = "accounts/password_reset_confirm.html"
    form_class = AuditedSetPasswordForm
    success_url = reverse_lazy("password_reset_complete")


@method_decorator(never_cache, name="dispatch")
class PasswordResetCompleteView(auth_views.PasswordResetCompleteView):
    template_name = "accounts/password_reset_complete.html"


class PasswordChangeView(auth_views.PasswordChangeView):
    template_name = "accounts/password_change_form.html"
    form_class = AuditedPasswordChangeForm
    success_url = reverse_lazy("password_change_done")


class PasswordChangeDoneView(auth_views.PasswordChangeDoneView):
    template_name = "accounts/password_change_done.html"


@login_not_required
@never_cache
def invitation_accept(request: HttpRequest, token: str) -> HttpResponse:
    """The link from an invitation: choose a first password, then sign in."""
    invitation = accounts.invitation_for_token(token)
    if invitation is None:
        return render(request, "accounts/invitation_invalid.html", status=404)
    form = InvitationPasswordForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            accounts.invitation_accept(token=token, password=form.cleaned_data["new_password1"])
        except ValidationError as exc:
            apply_errors(form, exc)
        else:
            messages.success(request, _("Your password is set. Sign in with your username "
                                        "and your new password."))
            return redirect("login")
    context: dict[str, Any] = {"form": form, "username": invitation.user.username}
    return render(request, "accounts/invitation_accept.html", context)


# The public ones: the sign-in page links to them and they work signed out.
password_reset = login_not_required(PasswordResetView.as_view())
password_reset_done = login_not_required(PasswordResetDoneView.as_view())
password_reset_confirm = login_not_required(PasswordResetConfirmView.as_view())
password_reset_complete = login_not_required(PasswordResetCompleteView.as_view())
password_change = PasswordChangeView.as_view()
password_change_done = PasswordChangeDoneView.as_view()

"""Second-factor pages: verify after the password, set up an authenticator (QR code or the
secret typed by hand), recovery codes, and one's own security page."""

from __future__ import annotations

import io
from base64 import b32encode

import django_otp
import qrcode
import qrcode.image.svg
from django.conf import settings
from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render, resolve_url
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST
from django_otp.plugins.otp_totp.models import TOTPDevice

from bridgeway.core import twofactor
from bridgeway.web.accounts.forms import TokenForm
from bridgeway.web.common import user_of


def _next(request: HttpRequest) -> str:
    target = request.POST.get("next") or request.GET.get("next") or ""
    if url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()},
                                       require_https=request.is_secure()):
        return target
    return resolve_url(settings.LOGIN_REDIRECT_URL)


@never_cache
def verify(request: HttpRequest) -> HttpResponse:
    user = user_of(request)
    if not twofactor.has_device(user):
        return redirect("otp_setup")
    form = TokenForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        device = twofactor.verify_any(user=user, token=form.cleaned_data["token"])
        if device is None:
            form.add_error("token", _("This code is not right, or it was already used. Wait "
                                      "for a new code and try again."))
        else:
            request.session.cycle_key()  # a new session id once fully signed in
            django_otp.login(request, device)
            return redirect(_next(request))
    return render(request, "accounts/otp_verify.html", {"form": form, "next": _next(request)})


@never_cache
def setup(request: HttpRequest) -> HttpResponse:
    user = user_of(request)
    if twofactor.has_device(user) and not user.is_verified():  # type: ignore[attr-defined]  # SecondFactorMiddleware
        return redirect("otp_verify")  # replacing a device needs the current one first
    device = twofactor.totp_start(user=user)
    form = TokenForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        codes = twofactor.totp_confirm(user=user, token=form.cleaned_data["token"])
        if codes is None:
            form.add_error("token", _("This code is not right. Check the time on your phone "
                                      "and type the code it shows now."))
        else:
            confirmed = TOTPDevice.objects.get(pk=device.pk)
            request.session.cycle_key()
            django_otp.login(request, confirmed)
            return render(request, "accounts/otp_codes.html",
                          {"codes": codes, "next": _next(request)})
    secret = b32encode(device.bin_key).decode()
    return render(request, "accounts/otp_setup.html", {
        "form": form, "next": _next(request), "uri": device.config_url,
        "secret": " ".join(secret[i:i + 4] for i in range(0, len(secret), 4)),
    })


@never_cache
def qr(request: HttpRequest) -> HttpResponse:
    """The pending authenticator's QR code, as an image (no inline markup on the page)."""
    device = twofactor.totp_start(user=user_of(request))
    image = qrcode.make(device.config_url, image_factory=qrcode.image.svg.SvgPathImage)
    buffer = io.BytesIO()
    image.save(buffer)
    return HttpResponse(buffer.getvalue(), content_type="image/svg+xml")


@never_cache
def security(request: HttpRequest) -> HttpResponse:
    user = user_of(request)
    return render(request, "accounts/security.html", {
        "has_device": twofactor.has_device(user),
        "required": twofactor.required_for(user),
        "enforced": settings.BRIDGEWAY_2FA_ENFORCED,
    })


@require_POST
def recovery_codes(request: HttpRequest) -> HttpResponse:
    user = user_of(request)
    if not (twofactor.has_device(user) and user.is_verified()):  # type: ignore[attr-defined]  # SecondFactorMiddleware
        messages.error(request, _("Set up two-step verification first."))
        return redirect("account_security")
    codes = twofactor.recovery_codes_renew(user=user)
    return render(request, "accounts/otp_codes.html", {"codes": codes, "next": ""})

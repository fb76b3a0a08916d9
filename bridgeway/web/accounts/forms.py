"""Forms for the account pages: invite staff, give a role, set a password (validation only;
the writes are `bridgeway.core.services`)."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib.auth.forms import PasswordChangeForm, SetPasswordForm
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from bridgeway.core import services as accounts
from bridgeway.core.actors import Actor
from bridgeway.core.models import Organisation, ProgramSite, Role, StaffKind, User

LANGUAGES = [("en", "English"), ("fr", "Français")]


class RoleForm(forms.Form):
    """One role at one place: a site for coordinators, site leads and evaluators (none: the
    whole program), a hospital for ward staff, a peer organisation for peer supporters."""

    role = forms.ChoiceField(label=_("Role"), choices=Role.choices)
    site = forms.ModelChoiceField(label=_("Program site"), required=False,
                                  queryset=ProgramSite.objects.none())
    organisation = forms.ModelChoiceField(label=_("Hospital or peer organisation"),
                                          required=False, queryset=Organisation.objects.none())
    staff_kind = forms.ChoiceField(label=_("Ward staff kind"), required=False,
                                   choices=[("", "—"), *StaffKind.choices])

    def __init__(self, *args: Any, sites: QuerySet[ProgramSite], administrator: bool,
                 **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        role_field = self.fields["role"]
        assert isinstance(role_field, forms.ChoiceField)  # noqa: S101 — declared above  # nosec B101 — narrows the type for mypy; the field is declared above
        if not administrator:  # only administrators make administrators
            role_field.choices = [c for c in Role.choices if c[0] != Role.ADMINISTRATOR]
        site_field, org_field = self.fields["site"], self.fields["organisation"]
        assert isinstance(site_field, forms.ModelChoiceField)  # noqa: S101 — declared above  # nosec B101 — narrows the type for mypy; the field is declared above
        assert isinstance(org_field, forms.ModelChoiceField)  # noqa: S101 — declared above  # nosec B101 — narrows the type for mypy; the field is declared above
        site_field.queryset = sites
        org_field.queryset = (Organisation.objects.all() if administrator else
                              Organisation.objects.filter(
                                  pk__in=[*sites.values_list("hospital_id", flat=True),
                                          *sites.values_list("peer_organisations", flat=True)]))

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        role, site, org = data.get("role"), data.get("site"), data.get("organisation")
        if role in (Role.COORDINATOR, Role.SITE_LEAD) and site is None:
            self.add_error("site", _("This role is held for a program site."))
        if role == Role.WARD_STAFF and (org is None or org.kind != Organisation.Kind.HOSPITAL):
            self.add_error("organisation", _("Ward staff belong to a hospital."))
        if role == Role.PEER_SUPPORTER and (
                org is None or org.kind != Organisation.Kind.PEER_ORGANISATION):
            self.add_error("organisation", _("Peer supporters belong to a peer organisation."))
        if role == Role.WARD_STAFF and not data.get("staff_kind"):
            self.add_error("staff_kind", _("Say which kind of ward staff."))
        return data


class InviteForm(RoleForm):
    field_order = ["first_name", "last_name", "email", "username", "preferred_language", "role",
                   "site", "organisation", "staff_kind"]
    first_name = forms.CharField(label=_("First name"), max_length=150)
    last_name = forms.CharField(label=_("Last name"), max_length=150)
    email = forms.EmailField(label=_("E-mail address"), max_length=254,
                             help_text=_("The invitation to set a password is sent here."))
    username = forms.CharField(label=_("Username"), max_length=150,
                               validators=[User.username_validator])
    preferred_language = forms.ChoiceField(label=_("Preferred language"), choices=LANGUAGES)


class InvitationPasswordForm(forms.Form):
    """The first password, typed twice (the service checks the password rules)."""

    new_password1 = forms.CharField(label=_("New password"), strip=False,
                                    widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}))
    new_password2 = forms.CharField(label=_("New password again"), strip=False,
                                    widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}))

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        one, two = data.get("new_password1"), data.get("new_password2")
        if one and two and one != two:
            self.add_error("new_password2", _("The two passwords differ."))
        return data


class AuditedSetPasswordForm(SetPasswordForm):
    """Password reset from the e-mailed link: the write is the audited service."""

    def save(self, commit: bool = True) -> Any:
        return accounts.password_set(actor=Actor(user=self.user, role=""), user=self.user,
                                     password=self.cleaned_data["new_password1"], how="reset")


class AuditedPasswordChangeForm(PasswordChangeForm):
    """A signed-in person changes their password: the write is the audited service."""

    def save(self, commit: bool = True) -> Any:
        return accounts.password_set(actor=Actor(user=self.user, role=""), user=self.user,
                                     password=self.cleaned_data["new_password1"], how="change")


class TokenForm(forms.Form):
    token = forms.CharField(
        label=_("Code"), max_length=32,
        help_text=_("The 6-digit code from your authenticator app, or one of your recovery codes."),
        widget=forms.TextInput(attrs={"autocomplete": "one-time-code", "inputmode": "text",
                                      "autofocus": True}))

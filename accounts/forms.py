from django import forms
from django.contrib.auth import authenticate, get_user_model
from django.contrib.auth.forms import UserCreationForm
from django.utils.translation import gettext_lazy as _


class SignUpForm(UserCreationForm):
    """A name to sign in with and show, an email address to reset the password with, and a
    password (Django's validators: settings.AUTH_PASSWORD_VALIDATORS)."""

    email = forms.EmailField(
        label=_("Email address"),
        max_length=254,
        help_text=_("Only to reset your password. Never shown, never shared."),
        widget=forms.EmailInput(attrs={"autocomplete": "email"}),
    )

    class Meta(UserCreationForm.Meta):
        model = get_user_model()
        fields = ("username", "email")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.is_bound:
            # Back with errors: the page's error summary is read first, not the name field.
            self.fields["username"].widget.attrs.pop("autofocus", None)

    def validate_password_for_user(self, user, **kwargs):
        # The password's own faults go under the password, not under its confirmation
        # (Django's default), and are said even when the two differ: one round trip.
        super().validate_password_for_user(user, password_field_name="password1")

    def clean_email(self):
        email = self.cleaned_data["email"]
        if get_user_model().objects.filter(email__iexact=email).exists():
            raise forms.ValidationError(
                _("An account already has this address. Sign in, or reset its password.")
            )
        return email


class DeleteAccountForm(forms.Form):
    """Deleting an account asks for its password: a browser left signed in is not enough.
    Checked through authenticate(), so that wrong passwords count towards django-axes'
    lockout as at the sign-in."""

    password = forms.CharField(
        label=_("Your password"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}),
    )

    def __init__(self, request, *args, **kwargs):
        self.request = request
        super().__init__(*args, **kwargs)

    def clean_password(self):
        password = self.cleaned_data["password"]
        user = self.request.user
        checked = authenticate(self.request, username=user.get_username(), password=password)
        if checked is None or checked.pk != user.pk:
            raise forms.ValidationError(_("This is not your password."))
        return password

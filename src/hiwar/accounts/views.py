from django.contrib import admin, messages
from django.contrib.auth import login
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from hiwar.accounts import services
from hiwar.accounts.forms import LoginForm, ProfileForm, SignUpForm
from hiwar.core import throttling
from hiwar.core.forms import add_validation_error, safe_next


def _typed_email(request, field: str) -> str:
    # The address as typed, whether or not an account has it: a limit must not reveal which exist.
    return request.POST.get(field, "").strip().lower()


def _sign_in_limits(request):
    return [
        ("login_account", _typed_email(request, "username")),
        ("login_address", throttling.client_address(request)),
    ]


def _refuse_spent_sign_in(request):
    # Checked before the password, so even the right one waits until the window passes.
    for action, value in _sign_in_limits(request):
        throttling.refuse_if_spent(request, action, value)


def _count_failed_sign_in(request):
    for action, value in _sign_in_limits(request):
        throttling.hit(request, action, value)


class SignInView(auth_views.LoginView):
    """Sign-in, refused for a while after too many wrong passwords for one address or from one client."""

    template_name = "accounts/login.html"
    authentication_form = LoginForm

    def post(self, request, *args, **kwargs):
        _refuse_spent_sign_in(request)
        return super().post(request, *args, **kwargs)

    def form_invalid(self, form):
        if self.request.method == "POST":
            _count_failed_sign_in(self.request)
        return super().form_invalid(form)


def admin_sign_in(request, extra_context=None):
    """The admin's own sign-in page under the same limits: staff accounts are the likeliest target."""
    if request.method == "POST":
        _refuse_spent_sign_in(request)
    response = admin.site.login(request, extra_context)
    if request.method == "POST" and response.status_code == 200:  # the form again: a failure
        _count_failed_sign_in(request)
    return response


class PasswordResetView(auth_views.PasswordResetView):
    """Password reset, limited per client and per e-mail address so it cannot flood a mailbox."""

    def post(self, request, *args, **kwargs):
        throttling.hit(request, "password_reset_address", throttling.client_address(request))
        throttling.hit(request, "password_reset_email", _typed_email(request, "email"))
        return super().post(request, *args, **kwargs)


def sign_up(request):
    if request.user.is_authenticated:
        return redirect("spaces:list")
    if request.method == "POST":
        throttling.hit(request, "signup_address", throttling.client_address(request))
    form = SignUpForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            user = services.user_sign_up(
                email=form.cleaned_data["email"],
                name=form.cleaned_data["name"],
                password=form.cleaned_data["password"],
                language=get_language(),
            )
        except ValidationError as error:
            add_validation_error(form, error, default_field="password")
        else:
            login(request, user, backend="django.contrib.auth.backends.ModelBackend")
            messages.success(
                request,
                _("Welcome! We sent a link to %(email)s: open it to verify your address.")
                % {"email": user.email},
            )
            return redirect("spaces:list")
    return render(request, "accounts/signup.html", {"form": form})


def verify_email(request, token):
    try:
        user = services.user_verify_email(token=token)
    except ValidationError as error:
        return render(request, "accounts/verify_failed.html", {"errors": error.messages}, status=400)
    messages.success(
        request, _("Thank you, your e-mail address %(email)s is verified.") % {"email": user.email}
    )
    return redirect("spaces:list" if request.user.is_authenticated else "accounts:login")


@login_required
@require_POST
def resend_verification(request):
    if not request.user.email_verified:
        throttling.hit(request, "verification_resend", request.user.pk)
        services.send_verification_email(user=request.user)
        messages.success(
            request, _("We sent a new verification link to %(email)s.") % {"email": request.user.email}
        )
    return redirect(safe_next(request, reverse("accounts:profile")))


@login_required
def profile(request):
    profile = services.profile_for(request.user)
    form = ProfileForm(request.POST or None, instance=profile, user=request.user)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            organisation = None
            if data["organisation_name"]:
                organisation = services.organisation_get_or_create(
                    name=data["organisation_name"],
                    type=data["organisation_type"],
                    country=data.get("country") or "",
                )
            services.profile_update(
                user=request.user,
                name=data["name"],
                preferred_language=data["preferred_language"],
                timezone=data["timezone"],
                organisation=organisation,
                visibility=form.visibility_choices(),
                **{name: data[name] for name in ProfileForm.Meta.fields},
            )
        except ValidationError as error:
            add_validation_error(form, error)
        else:
            messages.success(request, _("Your profile is saved."))
            return redirect("accounts:profile")
    return render(request, "accounts/profile.html", {"form": form})

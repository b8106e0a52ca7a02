from django.conf import settings
from django.contrib import messages
from django.contrib.auth import login
from django.contrib.auth import views as auth_views
from django.http import HttpResponseRedirect
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse, reverse_lazy
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import check_for_language, ngettext
from django.utils.translation import gettext as _
from django.views.decorators.debug import sensitive_post_parameters
from django.views.decorators.http import require_POST

from patron.accounts import throttling
from patron.accounts.access import has_access, owner_required
from patron.accounts.forms import LoginForm, OwnerForm, PreferencesForm, ResetForm, TokenForm
from patron.accounts.models import ApiToken
from patron.accounts.owner import OwnerExists, do_create_owner, do_save_account, owner_exists
from patron.accounts.tokens import do_create_token, do_revoke_token


def safe_next(request, default):
    """The ?next= / next field if it points inside this site, else default."""
    target = request.POST.get("next") or request.GET.get("next") or ""
    if target and url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return target
    return default


@sensitive_post_parameters("password1", "password2")
def welcome(request):
    """First visit: make the owner account."""
    if owner_exists():
        return redirect("dashboard:home")
    form = OwnerForm(request.POST or None)
    if request.method == "POST" and "setup_code" in form.fields:
        # The setup code is all that stands between a stranger and the owner's account.
        ip = throttling.client_ip(request)
        wait = throttling.setup_code_wait(ip)
        if wait:
            minutes = (wait + 59) // 60
            messages.error(
                request,
                ngettext(
                    "Too many wrong setup codes from here. Try again in %(minutes)d minute.",
                    "Too many wrong setup codes from here. Try again in %(minutes)d minutes.",
                    minutes,
                )
                % {"minutes": minutes},
            )
            typed = {
                name: request.POST.get(name, "") for name in ("first_name", "last_name", "email")
            }
            context = {"form": OwnerForm(initial=typed), "step": 1}
            return render(request, "accounts/welcome.html", context, status=429)
        if request.POST.get("setup_code", "").strip() and not form.is_valid():
            if "setup_code" in form.errors:
                throttling.record_wrong_setup_code(ip)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            user = do_create_owner(
                email=data["email"],
                password=data["password1"],
                first_name=data["first_name"],
                last_name=data["last_name"],
            )
        except OwnerExists:
            return redirect("accounts:login")
        login(request, user, backend="django.contrib.auth.backends.ModelBackend")
        response = redirect("business:setup_profile")
        throttling.remember_browser(request, response, user.get_username())
        return response
    return render(request, "accounts/welcome.html", {"form": form, "step": 1})


def paused_message(wait):
    minutes = (wait + 59) // 60
    return ngettext(
        "Too many failed attempts. For your safety, logging in is paused: "
        "try again in %(minutes)d minute.",
        "Too many failed attempts. For your safety, logging in is paused: "
        "try again in %(minutes)d minutes.",
        minutes,
    ) % {"minutes": minutes}


@sensitive_post_parameters("password")
def login_view(request):
    if not owner_exists():
        return redirect("accounts:welcome")
    next_url = safe_next(request, reverse(settings.LOGIN_REDIRECT_URL))
    if has_access(request.user):
        return redirect(next_url)
    form = LoginForm(request, data=request.POST or None)
    status = 200
    if request.method == "POST":
        username = throttling.normalise_username(request.POST.get("username"))
        ip = throttling.client_ip(request)
        browser = throttling.known_browser(request, username)
        wait = throttling.seconds_until_allowed(username, ip, browser)
        if wait:
            form = LoginForm(request)
            messages.error(request, paused_message(wait))
            if not browser:
                messages.info(
                    request,
                    _(
                        "If this is your account, log in from a browser you have used "
                        "before, or reset your password: either lets you in at once."
                    ),
                )
            status = 429
        elif form.is_valid() and has_access(form.get_user()):
            throttling.clear_failures(username, ip, browser)
            login(request, form.get_user())
            response = HttpResponseRedirect(next_url)
            throttling.remember_browser(request, response, username)
            return response
        else:
            throttling.record_failure(username, ip, browser)
            if not form.errors:  # right password, but not an account of this business
                form.add_error(None, form.error_messages["invalid_login"])
    return render(request, "accounts/login.html", {"form": form, "next": next_url}, status=status)


class PasswordResetView(auth_views.PasswordResetView):
    """Django's reset view, with a ceiling on requests per address."""

    form_class = ResetForm
    template_name = "accounts/password_reset.html"
    email_template_name = "accounts/password_reset_email.txt"
    subject_template_name = "accounts/password_reset_subject.txt"
    success_url = reverse_lazy("accounts:password_reset_done")

    def form_valid(self, form):
        if not throttling.reset_allowed(throttling.client_ip(self.request)):
            form.add_error(None, _("Too many reset requests from here. Try again later."))
            return self.render_to_response(self.get_context_data(form=form), status=429)
        return super().form_valid(form)


class PasswordResetConfirmView(auth_views.PasswordResetConfirmView):
    """Django's new-password step. Whoever opened the mailed link owns the mailbox:
    the browser becomes a known one, so strangers' failures no longer pause it."""

    template_name = "accounts/password_reset_confirm.html"
    success_url = reverse_lazy("accounts:password_reset_complete")

    def form_valid(self, form):
        response = super().form_valid(form)
        username = form.user.get_username()
        throttling.remember_browser(self.request, response, username)
        throttling.clear_failures(username, throttling.client_ip(self.request))
        return response


@require_POST
def set_language(request):
    """Switch the UI language; for the owner it is remembered on the account."""
    language = request.POST.get("language", "")
    response = HttpResponseRedirect(safe_next(request, reverse("dashboard:home")))
    if language and not check_for_language(language):
        return response
    if request.user.is_authenticated:
        request.user.language = language
        request.user.save(update_fields=["language"])
    if language:
        response.set_cookie(
            settings.LANGUAGE_COOKIE_NAME,
            language,
            max_age=365 * 24 * 3600,
            samesite="Lax",
            secure=settings.SESSION_COOKIE_SECURE,
        )
    else:
        response.delete_cookie(settings.LANGUAGE_COOKIE_NAME)
    return response


@sensitive_post_parameters("current_password")
@owner_required
def account(request):
    form = PreferencesForm(request.POST or None, instance=request.user)
    if request.method == "POST" and form.is_valid():
        do_save_account(request.user, form)
        messages.success(request, _("Your account has been saved."))
        return redirect("accounts:account")
    return render(request, "accounts/account.html", {"form": form})


@owner_required
def tokens(request):
    form = TokenForm(request.POST or None)
    secret = None
    if request.method == "POST" and form.is_valid():
        _token, secret = do_create_token(request.user, form.cleaned_data["name"])
        form = TokenForm()
    return render(
        request,
        "accounts/tokens.html",
        {"form": form, "secret": secret, "tokens": ApiToken.objects.filter(user=request.user)},
    )


@owner_required
@require_POST
def revoke_token(request, pk):
    token = get_object_or_404(ApiToken, pk=pk, user=request.user, revoked_at__isnull=True)
    do_revoke_token(request.user, token)
    messages.success(request, _("The token “%(name)s” has been revoked.") % {"name": token.name})
    return redirect("accounts:tokens")

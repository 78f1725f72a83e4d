"""Sign-in, sessions, CSRF and rights for the planners' side.

Browsers use a session cookie (HttpOnly, SameSite=Lax, Secure over HTTPS) and CSRF
tokens on every form; other systems use ``Authorization: Bearer <token>`` on /api/...
(no cookie, so no CSRF). Rights are checked on the server for every write.
"""
from __future__ import annotations

import functools
import hashlib

from flask import Blueprint, current_app, g, redirect, render_template, request, session, url_for
from flask.sessions import SecureCookieSessionInterface
from flask_babel import gettext as _
from flask_login import LoginManager, UserMixin, current_user, login_user, logout_user
from flask_wtf import FlaskForm
from flask_wtf.csrf import CSRFProtect
from wtforms import EmailField, PasswordField
from wtforms.validators import DataRequired, Length

from gis import accounts
from gis.errors import Forbidden, NotFound, TooManyRequests as TooManyAttempts, Unauthorized
from gis.store.accounts import accounts_of
from gis.web.security import audit

bp = Blueprint("auth", __name__)
login_manager = LoginManager()
csrf = CSRFProtect()


class SessionUser(UserMixin):
    """Flask-Login's view of an accounts.User."""

    def __init__(self, user: accounts.User):
        self.user = user

    def get_id(self):
        return str(self.user.id)

    @property
    def is_active(self):
        return self.user.active


class SecureWhenHttps(SecureCookieSessionInterface):
    """The session cookie is marked Secure whenever the request came over HTTPS."""

    def get_cookie_secure(self, app):
        return bool(app.config.get("SESSION_COOKIE_SECURE")) or request.is_secure


def init_app(app):
    app.config["SESSION_COOKIE_HTTPONLY"] = True
    app.config["SESSION_COOKIE_SAMESITE"] = app.config.get("SESSION_COOKIE_SAMESITE") or "Lax"
    app.config.setdefault("WTF_CSRF_TIME_LIMIT", 8 * 3600)
    app.session_interface = SecureWhenHttps()
    login_manager.init_app(app)
    login_manager.login_view = "auth.login"
    login_manager.session_protection = "basic"
    csrf.init_app(app)
    app.register_blueprint(bp)


def store_accounts():
    from gis.web import get_store

    return accounts_of(get_store())


@login_manager.user_loader
def _load_user(user_id):
    try:
        user = store_accounts().get_user(user_id)
    except (NotFound, ValueError):
        return None
    return SessionUser(user) if user.active else None


@login_manager.unauthorized_handler
def _unauthorized():
    from gis.web import wants_json

    if wants_json() or request.method not in ("GET", "HEAD"):
        raise Unauthorized(_("Please sign in."))
    return redirect(url_for("auth.login", next=request.full_path))


def current_account() -> accounts.User | None:
    """The signed-in user (session) or the token's user (API), else None."""
    if "account" in g.__dict__:
        return g.account
    user = None
    header = request.headers.get("Authorization", "")
    if header.startswith("Bearer "):
        user = store_accounts().user_for_token(header[7:].strip())
        if user is None:
            raise Unauthorized(_("The API token is not valid."))
    elif current_user.is_authenticated:
        user = current_user.user
    g.account = user
    return user


def api_account() -> accounts.User:
    """API writes accept only a Bearer token (a cookie alone would allow CSRF): 401 otherwise."""
    if not request.headers.get("Authorization", "").startswith("Bearer "):
        raise Unauthorized(_("API writes need an 'Authorization: Bearer <token>' header."))
    return current_account()


def login_required(view):
    """Anonymous: 401 (API, writes) or a redirect to sign-in (pages)."""

    @functools.wraps(view)
    def wrapper(*args, **kwargs):
        if current_account() is None:
            return _unauthorized()
        return view(*args, **kwargs)

    return wrapper


def forbid_unless(allowed: bool, message: str | None = None):
    if not allowed:
        raise Forbidden(message or _("Your account does not have the right to do this."))


def client_address() -> str:
    """A salted hash of the client address: enough to throttle, not to identify."""
    addr = request.remote_addr or "unknown"
    salt = current_app.config["SECRET_KEY"]
    return hashlib.sha256(f"{salt}:{addr}".encode()).hexdigest()[:32]


# -- sign in / out -------------------------------------------------------------------------

class LoginForm(FlaskForm):
    email = EmailField("email", validators=[DataRequired(), Length(max=320)])
    password = PasswordField("password", validators=[DataRequired(), Length(max=1000)])


def check_throttle(email: str, address: str):
    by_email, by_address = store_accounts().recent_failures(
        email=email, address=address, window=accounts.FAILURE_WINDOW_SECONDS)
    if by_email >= accounts.MAX_FAILURES or by_address >= accounts.MAX_FAILURES:
        raise TooManyAttempts(_("Too many failed sign-in attempts. Please wait 15 minutes and try again."))


@bp.route("/login", methods=["GET", "POST"])
def login():
    form = LoginForm()
    error = None
    status = 200
    if form.validate_on_submit():
        email, address = accounts.normalise_email(form.email.data), client_address()
        try:
            check_throttle(email, address)
        except TooManyAttempts as exc:
            return render_template("auth/login.html", form=form, error=exc.message), 429
        user, password_hash = store_accounts().find_user(email)
        ok = accounts.verify_password(password_hash or accounts.DUMMY_HASH, form.password.data)
        ok = ok and user is not None and user.active
        store_accounts().record_attempt(email, address, ok)
        if not ok:
            audit("sign-in-failed", email=email)
        if ok:
            target = _safe_next(request.args.get("next"))
            session.clear()  # no session fixation: a fresh session after sign-in
            login_user(SessionUser(user))
            audit("sign-in", user=user.email)
            return redirect(target or url_for("planner.home"))
        error, status = _("The e-mail or password is not right, or the account is disabled."), 401
    elif request.method == "POST":
        status = 400
        error = _("Please fill in both fields.") if not form.errors.get("csrf_token") else \
            _("The form expired. Please try again.")
    return render_template("auth/login.html", form=form, error=error), status


@bp.post("/logout")
def logout():
    logout_user()
    session.clear()
    return redirect(url_for("pages.index"))


def _safe_next(target):
    """Only local paths: no open redirect."""
    if target and target.startswith("/") and not target.startswith("//") and "\\" not in target:
        return target
    return None

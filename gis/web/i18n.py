"""Language: Vietnamese first, English by a visible switch.

Order: ?lang= (then remembered in a cookie for a year), the cookie, the browser's
Accept-Language on a first visit, Vietnamese.
"""
from flask import g, request
from flask_babel import Babel

from gis.formatting import fmt_date, fmt_number, fmt_vnd

LANGUAGES = ("vi", "en")
COOKIE = "lang"


def select_locale():
    if getattr(g, "lang", None):
        return g.lang
    asked = request.args.get("lang")
    if asked in LANGUAGES:
        g.lang, g.lang_from_query = asked, True
    elif request.cookies.get(COOKIE) in LANGUAGES:
        g.lang = request.cookies[COOKIE]
    else:
        g.lang = request.accept_languages.best_match(LANGUAGES, default="vi") if request.accept_languages else "vi"
    return g.lang


def current_lang() -> str:
    return select_locale()


def init_app(app):
    Babel(app, locale_selector=select_locale, default_locale="vi")

    @app.after_request
    def remember_language(response):
        if getattr(g, "lang_from_query", False):
            response.set_cookie(COOKIE, g.lang, max_age=365 * 24 * 3600, samesite="Lax", httponly=True)
        return response

    @app.context_processor
    def language_helpers():
        lang = current_lang()
        return {"lang": lang, "languages": LANGUAGES,
                "fmt_date": lambda v: fmt_date(v, lang), "fmt_number": lambda v, d=1: fmt_number(v, lang, d),
                "fmt_vnd": lambda v: fmt_vnd(v, lang)}

from collections.abc import Callable

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.shortcuts import resolve_url
from django.utils.translation import gettext


class VietnameseFirstMiddleware:
    """Serve Vietnamese unless the user picked a language with the switch (a cookie).

    Office browsers often ship with English as their preferred language; the browser's
    Accept-Language must not turn the interface English behind the user's back.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        request.META.pop("HTTP_ACCEPT_LANGUAGE", None)
        return self.get_response(request)


class HtmxSignInMiddleware:
    """An htmx request whose session has ended gets 401, not the sign-in page.

    `login_required` answers with a redirect that the browser follows silently: htmx would
    then paste the whole sign-in page into the cell it was saving. A 401 is not swapped;
    the page keeps what the clerk typed and offers to sign in again and resend.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        if (
            request.headers.get("HX-Request") == "true"
            and response.status_code in (301, 302)
            and not request.user.is_authenticated
            and response.get("Location", "").startswith(resolve_url(settings.LOGIN_URL))
        ):
            refused = HttpResponse(
                gettext("Your session has ended: sign in again, then resend."),
                status=401,
                content_type="text/plain; charset=utf-8",
            )
            refused["HX-Reswap"] = "none"
            return refused
        return response

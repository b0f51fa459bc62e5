"""Under /api/, every error is JSON with a code, even those answered before the API's own views run.

config/input_guard.py refuses unreadable input (NUL, lone surrogates, an overlong URL) with the
site's HTML 400 page, and Django's resolver answers an unknown /api/ path with the HTML 404 page;
a partner's client expects the API's own error format (docs/partners.md). Placed before the input
guard, this turns those pages into the API's JSON, in the same language.
"""

from django.http import JsonResponse
from django.utils.translation import gettext as _

API_PREFIX = "/api/"


def _error(status: int) -> tuple[str, str]:
    return {
        400: ("bad_request", _("The request holds characters that cannot be read (NUL, invalid text).")),
        404: ("not_found", _("No such object.")),
        405: ("method_not_allowed", _("This method is not allowed here.")),
        413: ("too_large", _("The request is too large.")),
        414: ("too_long", _("The address is too long.")),
    }.get(status, ("error", _("The request was refused.")))


class ApiJsonErrorsMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if (
            request.path.startswith(API_PREFIX)
            and 400 <= response.status_code < 500
            and response.get("Content-Type", "").startswith("text/html")
        ):
            code, message = _error(response.status_code)
            return JsonResponse({"code": code, "message": message}, status=response.status_code)
        return response

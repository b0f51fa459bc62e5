"""The API's errors: JSON with a stable `code` and a `message` in the request's language (Accept-Language).

Partners branch on the code; the message is for their logs and their users. Bad input is a
4xx, never a 500: validation errors, unknown objects, refused keys all come here.
"""

from django.http import Http404
from django.utils.translation import gettext as _
from ninja import NinjaAPI, Schema
from ninja.errors import AuthenticationError, HttpError, ValidationError


class ErrorOut(Schema):
    code: str
    message: str


class ApiError(Exception):
    def __init__(self, status: int, code: str, message: str, *, headers: dict | None = None):
        super().__init__(message)
        self.status, self.code, self.message, self.headers = status, code, message, headers or {}


def _reply(api: NinjaAPI, request, status: int, code: str, message: str, headers: dict | None = None):
    response = api.create_response(request, {"code": code, "message": message}, status=status)
    for name, value in (headers or {}).items():
        response[name] = value
    return response


def _first_problem(errors: list) -> str:
    if not errors:
        return ""
    where = ".".join(str(part) for part in errors[0].get("loc", ())[1:])
    return f"{where}: {errors[0].get('msg', '')}" if where else str(errors[0].get("msg", ""))


def install_error_handlers(api: NinjaAPI) -> None:
    @api.exception_handler(ApiError)
    def api_error(request, error: ApiError):
        return _reply(api, request, error.status, error.code, error.message, error.headers)

    @api.exception_handler(AuthenticationError)
    def unauthenticated(request, error):
        return _reply(
            api,
            request,
            401,
            "unauthenticated",
            _("Send a valid partner key: Authorization: Bearer <key>."),
            {"WWW-Authenticate": "Bearer"},
        )

    @api.exception_handler(ValidationError)
    def invalid(request, error: ValidationError):
        problem = _first_problem(error.errors)
        message = _("The request is not valid: %(problem)s") % {"problem": problem} if problem else ""
        return _reply(api, request, 422, "invalid_input", message or _("The request is not valid."))

    @api.exception_handler(Http404)
    def not_found(request, error):
        return _reply(api, request, 404, "not_found", _("No such object."))

    @api.exception_handler(HttpError)
    def http_error(request, error: HttpError):
        if error.status_code == 403:  # the session endpoints' CSRF check (api.buyer_routes)
            message = _("Send the site's CSRF token (the X-CSRFToken header) with this request.")
            return _reply(api, request, 403, "csrf_failed", message)
        codes = {405: "method_not_allowed", 413: "too_large", 400: "bad_request"}
        return _reply(api, request, error.status_code, codes.get(error.status_code, "error"), _("Bad request."))

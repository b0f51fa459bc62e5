"""allauth's emails greet from the service, not from the host that served the request ("127.0.0.1:8101")."""

from dataclasses import dataclass
from urllib.parse import urlsplit

from allauth.account.adapter import DefaultAccountAdapter
from django.conf import settings


@dataclass(frozen=True)
class ServiceSite:
    """What allauth's templates read of django.contrib.sites' Site, without that app and its table."""

    name: str
    domain: str


def service_site() -> ServiceSite:
    return ServiceSite(name=settings.SITE_NAME, domain=urlsplit(settings.SITE_URL).netloc)


class AccountAdapter(DefaultAccountAdapter):
    def send_mail(self, template_prefix: str, email: str, context: dict) -> None:
        super().send_mail(template_prefix, email, {**context, "current_site": service_site()})

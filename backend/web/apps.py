from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class WebConfig(AppConfig):
    name = "backend.web"
    label = "web"
    verbose_name = _("Web pages")

    def ready(self) -> None:
        # The sign-in time of a session is recorded by a receiver of user_logged_in.
        from backend.web import security  # noqa: F401

from django.apps import AppConfig


class AuditConfig(AppConfig):
    name = "backend.audit"
    label = "audit"

    def ready(self) -> None:
        from backend.audit import (
            events,  # noqa: F401 - connects the sign-in receivers
            tokens,  # noqa: F401 - a new password revokes the tokens
        )

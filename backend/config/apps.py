from django.apps import AppConfig


class MidwestConfig(AppConfig):
    """The project itself: its startup checks."""

    name = "backend.config"
    label = "midwest"
    verbose_name = "Midwest"

    def ready(self) -> None:
        from backend.config import checks  # noqa: F401 - registers the checks

from django.apps import AppConfig


class AgendaConfig(AppConfig):
    name = "backend.agenda"
    label = "agenda"

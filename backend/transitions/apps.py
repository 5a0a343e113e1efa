from django.apps import AppConfig


class TransitionsConfig(AppConfig):
    name = "backend.transitions"
    label = "transitions"

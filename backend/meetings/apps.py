from django.apps import AppConfig


class MeetingsConfig(AppConfig):
    name = "backend.meetings"
    label = "meetings"

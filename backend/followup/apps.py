from django.apps import AppConfig


class FollowupConfig(AppConfig):
    name = "backend.followup"
    label = "followup"

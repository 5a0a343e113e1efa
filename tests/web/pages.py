"""What the page tests share: a client signed in as a person, and a page as text."""

from __future__ import annotations

from django.test import Client


def signed_in(person: object) -> Client:
    client = Client()
    client.force_login(person)  # type: ignore[arg-type]
    return client


def text(response: object) -> str:
    return response.content.decode()  # type: ignore[attr-defined]

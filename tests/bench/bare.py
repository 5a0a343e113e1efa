"""Bare implementations of the work the product's endpoints do, to measure it against.

Only the benchmark server (tests/bench/urls.py) routes to them. They skip everything the
product adds: visibility rules, available transitions, filters, guards, the workflow."""

from __future__ import annotations

from typing import Any

from django.contrib.contenttypes.models import ContentType
from django.db import transaction
from django.db.models import F, QuerySet
from django.utils import timezone
from rest_framework import generics, serializers
from rest_framework.pagination import PageNumberPagination
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from backend.agenda.models import AgendaItem
from backend.audit.models import TransitionLog


class ItemSerializer(serializers.ModelSerializer[AgendaItem]):
    class Meta:
        model = AgendaItem
        fields = [
            "id",
            "title",
            "rationale",
            "proposed_decision",
            "kind",
            "intervision_group",
            "target_cluster",
            "municipalities",
            "confidential",
            "author",
            "state",
            "version",
            "forwarded_from",
            "created_at",
            "updated_at",
        ]


class FiftyPerPage(PageNumberPagination):
    page_size = 50


class ItemList(generics.ListAPIView):  # type: ignore[type-arg]
    """The items of the caller's region, newest first, 50 a page."""

    serializer_class = ItemSerializer
    pagination_class = FiftyPerPage
    filter_backends: list[Any] = []

    def get_queryset(self) -> QuerySet[AgendaItem]:
        return (
            AgendaItem.objects.filter(intervision_group__region=self.request.user.region_id)  # type: ignore[union-attr]
            .prefetch_related("municipalities")
            .order_by("-created_at", "-id")
        )


class Submit(APIView):
    """Lock a draft item, mark it submitted and write its history row, in one transaction."""

    def post(self, request: Request, pk: int) -> Response:
        with transaction.atomic():
            state = (
                AgendaItem.objects.select_for_update()
                .filter(pk=pk)
                .values_list("state", flat=True)
                .first()
            )
            if state is None:
                return Response({"detail": "not found"}, status=404)
            if state != "draft":
                return Response({"detail": "not a draft"}, status=409)
            AgendaItem.objects.filter(pk=pk).update(
                state="submitted", version=F("version") + 1, updated_at=timezone.now()
            )
            TransitionLog.objects.create(
                content_type=ContentType.objects.get_for_model(AgendaItem),
                object_id=str(pk),
                transition="submit",
                source="draft",
                target="submitted",
                actor=request.user,
            )
        return Response({"id": pk, "state": "submitted"})

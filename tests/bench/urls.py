"""The benchmark server's URLs: the product's, and the bare counterparts under /bare/."""

from django.urls import path

from backend.config.urls import urlpatterns as product
from tests.bench import bare

urlpatterns = [
    path("bare/agenda-items/", bare.ItemList.as_view()),
    path("bare/agenda-items/<int:pk>/submit/", bare.Submit.as_view()),
    *product,
]

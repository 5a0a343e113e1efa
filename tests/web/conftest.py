"""The browser and the screenshot folder of the browser tests, for every test module here."""

from tests.web.browser import browser, shots  # noqa: F401 - fixtures, used by name

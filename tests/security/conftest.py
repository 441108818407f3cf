"""The page tests' fixtures (the real app.py against a private, temporary store), reused here."""

from tests.pages.conftest import app, store_path  # noqa: F401 - fixtures, imported so pytest finds them

"""The platform's settings with the throwaway example app (tests/example_app) installed: the suite proves that a
new app plugs in through the documented hooks alone. Production never loads this module."""

from talentbase.settings import *  # noqa: F403

INSTALLED_APPS = [*INSTALLED_APPS, "tests.example_app"]  # noqa: F405
ROOT_URLCONF = "tests.urls"

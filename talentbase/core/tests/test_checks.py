"""Deployment checks and what production settings leave out: ``check --deploy`` refuses a public base URL
that is missing, plain http or local (certificates print it in their QR codes), and the demo app is
installed under development and test settings only."""

import base64
import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.conf import settings

from talentbase.core.checks import public_base_url_check, public_base_url_problem

ROOT = Path(__file__).resolve().parents[3]


@pytest.mark.parametrize(
    "url",
    ["", "http://talentbase.example.gov.cn", "https://localhost:8000", "https://127.0.0.1", "https://127.3.4.5/",
     "https://[::1]:8443", "https://0.0.0.0", "https://app.localhost", "ftp://talentbase.example.gov.cn", "https://"],
)  # fmt: skip
def test_a_missing_plain_or_local_public_base_url_is_refused(url):
    assert public_base_url_problem(url)


@pytest.mark.parametrize("url", ["https://talentbase.example.gov.cn", "https://10.20.30.40/talentbase"])
def test_a_public_https_base_url_passes(url):
    assert public_base_url_problem(url) == ""


def test_the_check_names_the_setting(settings):
    settings.PUBLIC_BASE_URL = "http://127.0.0.1:8000"
    (error,) = public_base_url_check(None)
    assert error.id == "talentbase.E003" and "TALENTBASE_PUBLIC_BASE_URL" in error.msg


def test_the_demo_app_is_installed_for_development_and_tests():
    assert "talentbase.demo" in settings.INSTALLED_APPS


def production_env(**values) -> dict:
    key = lambda: base64.b64encode(os.urandom(32)).decode()  # noqa: E731
    # Without the development and test switches (DJANGO_ALLOW_ASYNC_UNSAFE is the suite's own).
    dropped = (
        "TALENTBASE_DEV",
        "TALENTBASE_DEBUG",
        "TALENTBASE_PUBLIC_BASE_URL",
        "DJANGO_ALLOW_ASYNC_UNSAFE",
        "DATABASE_URL",  # the suite's database has a test_ name; the role check has its own tests
    )
    env = {name: value for name, value in os.environ.items() if name not in dropped}
    env.update(TALENTBASE_SECRET_KEY=base64.b64encode(os.urandom(40)).decode(),
               TALENTBASE_ALLOWED_HOSTS="talentbase.example.gov.cn", TALENTBASE_PII_KEYS=f"k1:{key()}",
               TALENTBASE_PII_HMAC_KEY=key(), TALENTBASE_AUDIT_KEYS=f"a1:{key()}",
               DJANGO_SETTINGS_MODULE="talentbase.settings", PYTHONPATH=str(ROOT))  # fmt: skip
    env.update(values)
    return env


def test_production_settings_leave_out_the_demo_app():
    code = "import django; django.setup(); from django.conf import settings; print('talentbase.demo' in settings.INSTALLED_APPS)"
    result = subprocess.run([sys.executable, "-c", code], env=production_env(), capture_output=True, text=True,
                            check=True, cwd=ROOT)  # fmt: skip
    assert result.stdout.strip() == "False"


def test_check_deploy_refuses_missing_audit_keys():
    command = [sys.executable, "-m", "django", "check", "--deploy", "--fail-level", "WARNING"]
    env = production_env(TALENTBASE_PUBLIC_BASE_URL="https://talentbase.example.gov.cn")
    env.pop("TALENTBASE_AUDIT_KEYS")
    missing = subprocess.run(command, env=env, capture_output=True, text=True, cwd=ROOT)
    assert missing.returncode != 0 and "talentbase.E004" in missing.stderr


def test_check_deploy_refuses_a_missing_public_base_url_and_passes_with_a_real_one():
    command = [sys.executable, "-m", "django", "check", "--deploy", "--fail-level", "WARNING"]
    missing = subprocess.run(command, env=production_env(), capture_output=True, text=True, cwd=ROOT)
    assert missing.returncode != 0 and "talentbase.E003" in missing.stderr
    real = subprocess.run(command, env=production_env(TALENTBASE_PUBLIC_BASE_URL="https://talentbase.example.gov.cn"),
                          capture_output=True, text=True, cwd=ROOT)  # fmt: skip
    assert real.returncode == 0, real.stderr

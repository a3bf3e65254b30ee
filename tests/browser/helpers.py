"""Signing in through the real login pages, second factor included."""

from django_otp.oath import TOTP
from django_otp.plugins.otp_totp.models import TOTPDevice

from talentbase.demo.world import DEMO_PASSWORD


def current_code(username: str) -> str:
    device = TOTPDevice.objects.get(user__username=username, confirmed=True)
    totp = TOTP(device.bin_key, device.step, device.t0, device.digits, device.drift)
    return f"{totp.token():06d}"


def sign_in(page, live_server, username: str, password: str = DEMO_PASSWORD) -> None:
    page.goto(f"{live_server.url}/accounts/login/")
    page.get_by_label("用户名").fill(username)
    page.get_by_label("密码").fill(password)
    page.get_by_role("button", name="登录").click()
    if "/accounts/login/code/" in page.url:
        page.get_by_label("动态口令").fill(current_code(username))
        page.get_by_role("button", name="验证").click()
    page.wait_for_url(f"{live_server.url}/")


def sign_out(page) -> None:
    if page.get_by_role("button", name="展开菜单").is_visible():
        page.get_by_role("button", name="展开菜单").click()
    page.get_by_role("button", name="退出").click()
    # Wait for the logout to land: a navigation started before it would cancel the POST and keep the session.
    page.wait_for_url("**/accounts/login/**")


def forget_session(page) -> None:
    """Drop the session cookie, to sign in as someone else: the sign-out button is tested on its own
    (test_navigation); a journey between two users need not press it on a phone-width menu."""
    page.context.clear_cookies()

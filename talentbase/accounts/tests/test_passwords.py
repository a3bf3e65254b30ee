"""Password rules (等保 level 3): length by role, three of four character classes, no personal data, no
common password, Argon2 in production."""

import importlib
import itertools
import string
import unicodedata

import pytest
from django.conf import settings
from django.contrib.auth.hashers import Argon2PasswordHasher
from django.contrib.auth.password_validation import get_password_validators, validate_password
from django.core.exceptions import ValidationError
from hypothesis import given
from hypothesis import strategies as st

from talentbase.accounts.models import User

SAMPLES = {"lower": "qxvk", "upper": "QXVK", "digit": "7392", "other": "#%&!"}


def problems(password, user, validators=None) -> set[str]:
    """The codes of the rules a password breaks ("" when none)."""
    try:
        validate_password(password, user, password_validators=validators)
    except ValidationError as error:
        return {e.code for e in error.error_list}
    return set()


def messages(password, user) -> list[str]:
    try:
        validate_password(password, user)
    except ValidationError as error:
        return error.messages
    return []


def new_user(roles=(), **fields) -> User:
    user = User(username=fields.pop("username", "newcomer"), **fields)
    user.pending_roles = set(roles)
    return user


def is_chinese(text: str) -> bool:
    return any("\u4e00" <= ch <= "\u9fff" for ch in text)


@pytest.mark.django_db
def test_a_password_shorter_than_eight_characters_is_refused(personas):
    assert "password_too_short" in problems("Qx7#vk2", personas.user("employer"))


@pytest.mark.django_db
def test_eight_characters_are_enough_for_an_employer(personas):
    assert problems("Qx7#vk2m", personas.user("employer")) == set()


@pytest.mark.django_db
def test_a_back_office_user_needs_twelve_characters(personas):
    city = personas.user("city")
    assert "password_too_short" in problems("Qx7#vk2mPz9", city)
    assert problems("Qx7#vk2mPz9!", city) == set()


def test_a_new_user_about_to_get_a_back_office_role_needs_twelve_characters():
    assert "password_too_short" in problems("Qx7#vk2mPz9", new_user(roles={"city"}))
    assert problems("Qx7#vk2mPz9", new_user(roles={"employer"})) == set()


@pytest.mark.parametrize(
    "classes",
    [c for n in range(1, 5) for c in itertools.combinations(SAMPLES, n)],
    ids=lambda classes: "+".join(classes),
)
def test_a_password_needs_three_of_the_four_character_classes(classes):
    chars = "".join(SAMPLES[name] for name in classes)
    password = (chars * 12)[:12]
    refused = "password_classes" in problems(password, new_user())
    assert refused == (len(classes) < 3)


@pytest.mark.parametrize(
    ("fields", "password"),
    [
        ({"username": "zhangwei88"}, "Xy#ZhangWei88q"),
        ({"full_name": "Li Ming"}, "Q7#li mingzz"),
        ({"full_name": "王小明"}, "Q7#k王小明zz"),
        ({"email": "liming.hz@example.cn"}, "Q7#LIMING.HZz"),
    ],
    ids=["username", "full-name-latin", "full-name-chinese", "email-name"],
)
def test_the_users_own_data_inside_the_password_is_refused(fields, password):
    assert "password_personal_data" in problems(password, new_user(**fields))


def test_personal_data_is_found_in_full_width_characters_too():
    assert "password_personal_data" in problems("Ｚｈａｎｇｗｅｉ#7q", new_user(username="zhangwei"))


def test_a_common_password_is_refused():
    # "password1" is on Django's list of common passwords; capitalised it meets the other rules.
    assert problems("Password1", new_user()) == {"password_too_common"}


def test_the_password_messages_are_in_chinese():
    user = new_user(username="zhangwei")
    texts = messages("Qx7#", user) + messages("zhangwei", user) + messages("Password1", user)
    assert len(texts) == 4  # too short, classes, personal data, common
    assert all(is_chinese(text) for text in texts), texts


def test_the_production_settings_hash_passwords_with_argon2():
    production = importlib.import_module("talentbase.settings")
    assert production.PASSWORD_HASHERS[0].endswith("Argon2PasswordHasher")
    hasher = Argon2PasswordHasher()
    encoded = hasher.encode("Qx7#vk2mPz9!", hasher.salt())
    assert encoded.startswith("argon2$") and hasher.verify("Qx7#vk2mPz9!", encoded)


# --- The property: the rules, written again from the policy, agree with the validators on any text.

OUR_VALIDATORS = get_password_validators(
    [v for v in settings.AUTH_PASSWORD_VALIDATORS if v["NAME"].startswith("talentbase.accounts.")]
)
PERSON = {"username": "zhangwei88", "full_name": "Zhang Wei", "email": "wei.zhang@example.cn"}


def oracle_accepts(password: str, back_office: bool) -> bool:
    long_enough = len(password) >= (12 if back_office else 8)
    kinds = [
        any(ch in string.ascii_lowercase for ch in password),
        any(ch in string.ascii_uppercase for ch in password),
        any(ch in string.digits for ch in password),
        any(ch not in string.ascii_letters + string.digits for ch in password),
    ]

    def fold(text):
        return unicodedata.normalize("NFKC", text).casefold()

    personal = [PERSON["username"], PERSON["email"].split("@")[0], PERSON["full_name"]]
    mine = any(len(fold(value)) >= 3 and fold(value) in fold(password) for value in personal)
    return long_enough and sum(kinds) >= 3 and not mine


fragments = st.one_of(
    st.text(max_size=6),
    st.text(alphabet=string.ascii_letters + string.digits + "#!@ ._-", max_size=6),
    st.sampled_from(["zhangwei88", "ZHANGWEI88", "wei.zhang", "Zhang Wei", "zhang", "王小明", "Ｚｈａｎｇ"]),
)


@given(parts=st.lists(fragments, max_size=5), back_office=st.booleans())
def test_the_validators_accept_exactly_the_passwords_the_policy_allows(parts, back_office):
    password = "".join(parts)
    user = new_user(roles={"city"} if back_office else set(), **PERSON)
    accepted = problems(password, user, OUR_VALIDATORS) == set()
    assert accepted == oracle_accepts(password, back_office)

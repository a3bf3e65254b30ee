"""Pinyin search keys of names (STACK.md "Chinese data"): full pinyin, initials, surnames, heteronyms."""

import pytest
from hypothesis import given
from hypothesis import strategies as st

from talentbase.registry.pinyin import MAX_KEYS, character_readings, name_keys, query_key


def finds(query: str, name: str) -> bool:
    """How the search uses the keys: the normalised query is a prefix of one of them."""
    key = query_key(query)
    return any(candidate.startswith(key) for candidate in name_keys(name))


def test_full_pinyin_and_initials():
    assert name_keys("张三") == {"zhangsan", "zs"}


@pytest.mark.parametrize("query", ["zs", "zhangs", "zhangsan", "Zhang San", "ＺＳ", "zhang"])
def test_search_by_prefix_of_a_key_finds_the_person(query):
    assert finds(query, "张三")


def test_search_does_not_find_other_names():
    assert not finds("ls", "张三")
    assert not finds("zhangsi", "张三")


@pytest.mark.parametrize(
    ("name", "key", "wrong_key"),
    [
        ("曾国藩", "zengguofan", "cengguofan"),
        ("单田芳", "shantianfang", "dantianfang"),
        ("解缙", "xiejin", "jiejin"),
        ("区志强", "ouzhiqiang", "quzhiqiang"),
        ("仇英", "qiuying", "chouying"),
        ("朴树", "piaoshu", "pushu"),
        ("查良镛", "zhaliangyong", "chaliangyong"),
        ("尉迟恭", "yuchigong", "weichigong"),
        ("万俟卨", "moqixie", "wanqixie"),
        ("长孙无忌", "zhangsunwuji", "changsunwuji"),
    ],
)
def test_surnames_are_read_as_surnames(name, key, wrong_key):
    keys = name_keys(name)
    assert key in keys
    assert wrong_key not in keys


def test_zeng_as_surname_gives_zeng_only():
    assert name_keys("曾") == {"zeng", "z"}


def test_surnames_with_two_usual_readings_give_both():
    assert {"gejun", "gaijun"} <= name_keys("盖军")
    assert {"yuejia", "lejia"} <= name_keys("乐嘉")


def test_lv_gives_both_lv_and_lu():
    assert name_keys("吕布") == {"lvbu", "lubu", "lb"}
    assert finds("lvb", "吕布")
    assert finds("lub", "吕布")
    assert finds("lüb", "吕布")


def test_u_umlaut_in_given_names_is_written_both_ways():
    assert {"wanglv", "wanglu"} <= name_keys("王绿")


def test_heteronyms_give_several_readings_the_usual_first():
    keys = name_keys("王行")
    assert {"wangxing", "wanghang"} <= keys
    assert "wx" in keys and "wh" in keys


@pytest.mark.parametrize("name", ["行行行行行", "买买提·艾力", "重行长单行", "朝重行乐长" * 4])
def test_keys_are_capped(name):
    keys = name_keys(name)
    assert 0 < len(keys) <= MAX_KEYS


def test_the_usual_reading_survives_the_cap():
    keys = name_keys("行行行行行")
    assert "xingxingxingxingxing" in keys
    assert "xxxxx" in keys


def test_transliterated_names_drop_the_middle_dot():
    assert "maimaitiaili" in name_keys("买买提·艾力")


def test_latin_letters_are_kept_as_words():
    assert name_keys("John Smith") == {"johnsmith", "js"}


def test_compound_surname_alone_is_read_as_surname_and_given_name():
    # Two characters: 长孙 is more likely 长 (chang) + 孙 than the compound surname.
    assert "changsun" in name_keys("长孙")


def test_characters_without_reading_are_left_out():
    assert name_keys("𠇔") == set()
    assert "wang" in name_keys("王𠇔")


def test_empty_name_has_no_keys():
    assert name_keys("") == set()
    assert name_keys(" · ") == set()


def test_readings_are_cached_per_character():
    character_readings.cache_clear()
    name_keys("张张张")
    assert character_readings.cache_info().misses == 1


def test_query_key_normalises_what_people_type():
    assert query_key(" Zhang San ") == "zhangsan"
    assert query_key("LÜ") == "lv"
    assert query_key("ｚｈａｎｇ\u3000ｓａｎ") == "zhangsan"
    assert query_key("xi'an") == "xian"


@given(st.text(alphabet=st.characters(min_codepoint=0x4E00, max_codepoint=0x9FFF), min_size=1, max_size=12))
def test_keys_of_any_han_name_are_few_lowercase_ascii_and_findable(name):
    keys = name_keys(name)
    assert len(keys) <= MAX_KEYS
    for key in keys:
        assert key.isascii() and key.isalpha() and key == key.lower()
        assert query_key(key) == key  # a key typed as a query finds itself

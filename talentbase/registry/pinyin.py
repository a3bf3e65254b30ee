"""Pinyin search keys for names of persons.

``name_keys("张三")`` gives {"zhangsan", "zs"}: the full pinyin without tones and the initials. A search
normalised by ``query_key`` matches a person when it is a PREFIX of one of the keys, so "zs", "zhangs" and
"zhangsan" all find 张三 (a given name alone, "san", does not). Keys are lower-case ASCII; ü is written
both as "v" (what pinyin keyboards type) and as "u" (what people who never type ü write), so 吕 gives
"lv" and "lu".

pypinyin reads a character with its most common reading (曾 → "ceng"), but surnames have their own
(曾 → "zeng"): the first character, or the first two for a compound surname, come from ``SURNAME_READINGS``
when listed there. Other characters with several readings (行: xing, hang) give one key per combination,
the common reading first, at most ``MAX_KEYS`` keys in all.
"""

from __future__ import annotations

import functools
import itertools
import unicodedata

from pypinyin import Style, pinyin

MAX_KEYS = 16

# Readings of surnames that differ from the character's common reading, the usual one first.
# Compound surnames apply only to names of three characters or more: 长孙 alone is more likely 长 + 孙.
SURNAME_READINGS: dict[str, tuple[str, ...]] = {
    "曾": ("zeng",),
    "单": ("shan",),
    "解": ("xie",),
    "区": ("ou",),
    "仇": ("qiu",),
    "朴": ("piao",),
    "查": ("zha",),
    "盖": ("ge", "gai"),
    "乐": ("yue", "le"),
    "吕": ("lv",),
    "缪": ("miao",),
    "覃": ("qin", "tan"),
    "翟": ("zhai",),
    "秘": ("bi",),
    "种": ("chong",),
    "召": ("shao",),
    "员": ("yun",),
    "句": ("gou",),
    "阚": ("kan",),
    "宓": ("mi", "fu"),
    "隗": ("wei", "kui"),
    "尉": ("wei",),
    "蔚": ("yu", "wei"),
    "繁": ("po",),
    "朝": ("chao",),
    "藏": ("zang",),
    "长": ("chang",),
    "重": ("chong",),
    "沈": ("shen",),
    "柏": ("bai",),
    "薄": ("bo",),
    "褚": ("chu",),
    "車": ("che",),
    "车": ("che",),
    "石": ("shi",),
    "那": ("na",),
    "折": ("she",),
    "万": ("wan",),
    "尉迟": ("yu chi",),
    "万俟": ("mo qi",),
    "长孙": ("zhang sun",),
    "澹台": ("tan tai",),
    "单于": ("chan yu",),
    "令狐": ("ling hu",),
    "皇甫": ("huang fu",),
    "欧阳": ("ou yang",),
    "上官": ("shang guan",),
    "司马": ("si ma",),
    "诸葛": ("zhu ge",),
    "东方": ("dong fang",),
    "夏侯": ("xia hou",),
    "公孙": ("gong sun",),
    "慕容": ("mu rong",),
    "宇文": ("yu wen",),
    "司徒": ("si tu",),
    "闾丘": ("lv qiu",),
}

# Characters that separate parts of a name and are not typed in a search: the middle dot of
# transliterated names (买买提·艾力), spaces, hyphens, apostrophes (xi'an).
SEPARATORS = frozenset("·•・‧.-_'’ ")


@functools.lru_cache(maxsize=8192)
def character_readings(char: str) -> tuple[str, ...]:
    """Toneless readings of one Han character, the common one first; () for a character pypinyin lacks."""
    readings = pinyin(char, style=Style.NORMAL, heteronym=True, errors="ignore")
    if not readings:
        return ()
    return tuple(dict.fromkeys(reading.lower() for reading in readings[0] if reading.isascii()))


def with_u_for_v(readings: tuple[str, ...]) -> tuple[str, ...]:
    """Add the "u" spelling after every reading written with "v" (lv → lv, lu), keeping the order."""
    spelled = []
    for reading in readings:
        spelled.append(reading)
        if "v" in reading:
            spelled.append(reading.replace("v", "u"))
    return tuple(dict.fromkeys(spelled))


def name_units(name: str) -> list[tuple[tuple[str, ...], ...]]:
    """The name as a list of units, each a tuple of possible readings, each reading a tuple of syllables.

    A unit is a compound surname, one Han character, or a run of Latin letters and digits (kept as typed,
    lower-case). Separators and characters without a reading are left out.
    """
    name = unicodedata.normalize("NFKC", name).strip()
    units: list[tuple[tuple[str, ...], ...]] = []
    rest = name
    if len(name) >= 3 and name[:2] in SURNAME_READINGS:
        units.append(surname_unit(name[:2]))
        rest = name[2:]
    elif name[:1] in SURNAME_READINGS:
        units.append(surname_unit(name[:1]))
        rest = name[1:]
    latin = ""
    for char in rest:
        if char.isascii() and char.isalnum():
            latin += char.lower()
            continue
        if latin:
            units.append(((latin,),))
            latin = ""
        if char in SEPARATORS or char.isspace():
            continue
        readings = with_u_for_v(character_readings(char))
        if readings:
            units.append(tuple((reading,) for reading in readings))
    if latin:
        units.append(((latin,),))
    return units


def surname_unit(surname: str) -> tuple[tuple[str, ...], ...]:
    readings = with_u_for_v(SURNAME_READINGS[surname])
    return tuple(tuple(reading.split()) for reading in readings)


def name_keys(name: str) -> set[str]:
    """Search keys of a name: full toneless pinyin and initials, one pair per combination of readings.

    The usual readings come first, so when ``MAX_KEYS`` cuts the combinations it is the rare ones that go.
    """
    units = name_units(name)
    if not units:
        return set()
    keys: list[str] = []
    # Each combination gives at most two keys; looking at MAX_KEYS combinations is enough to fill the cap.
    for combination in itertools.islice(reading_combinations(units), MAX_KEYS):
        syllables = [syllable for reading in combination for syllable in reading]
        for key in ("".join(syllables), "".join(syllable[0] for syllable in syllables)):
            if key not in keys:
                keys.append(key)
        if len(keys) >= MAX_KEYS:
            break
    return set(keys[:MAX_KEYS])


def reading_combinations(units: list[tuple[tuple[str, ...], ...]]):
    """Every choice of one reading per unit, those with the fewest uncommon readings first.

    First the usual reading of every character, then each single other reading, then pairs, and so on: a
    name is far more often misread in one character than in several, and the cap cuts from the end.
    """
    variable = [index for index, unit in enumerate(units) if len(unit) > 1]
    for changed_count in range(len(variable) + 1):
        for changed in itertools.combinations(variable, changed_count):
            choices = [unit[1:] if index in changed else unit[:1] for index, unit in enumerate(units)]
            yield from itertools.product(*choices)


def query_key(text: str) -> str:
    """A user's search text in the form of the keys: NFKC, lower-case, no spaces or separators, ü → v.

    Han characters are kept: a caller may search the name itself with them.
    """
    text = unicodedata.normalize("NFKC", text).lower().replace("ü", "v")
    return "".join(char for char in text if not (char.isspace() or char in SEPARATORS))

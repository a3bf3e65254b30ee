"""The English catalogue is complete: every entry translated, every string of the code in it, the
compiled .mo up to date with the .po. None of this needs a database.

When a test here fails after you added or changed a Chinese string: run `make messages`, translate the
new entries in talentbase/locale/en/LC_MESSAGES/django.po, commit the .po and the .mo."""

import os
import shutil
import subprocess
import sys
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from django.utils import translation

ROOT = Path(__file__).resolve().parent.parent
PACKAGE = ROOT / "talentbase"
LC_MESSAGES = PACKAGE / "locale" / "en" / "LC_MESSAGES"
PO_FILE = LC_MESSAGES / "django.po"
MO_FILE = LC_MESSAGES / "django.mo"
# The extensions makemessages reads by default for the "django" domain.
SOURCE_SUFFIXES = {".py", ".html", ".txt"}
FIX = "run `make messages`, translate, commit"


@dataclass
class Entry:
    msgid: str = ""
    msgctxt: str | None = None
    msgid_plural: str | None = None
    msgstr: dict[int, str] = field(default_factory=dict)  # msgstr is index 0; msgstr[n] is index n
    flags: set[str] = field(default_factory=set)
    line: int = 0

    @property
    def key(self) -> tuple[str | None, str]:
        return self.msgctxt, self.msgid


def _unquote(text: str, where: str) -> str:
    text = text.strip()
    assert len(text) >= 2 and text[0] == text[-1] == '"', f"{where}: expected a quoted string, got {text!r}"
    escapes = {"n": "\n", "t": "\t", '"': '"', "\\": "\\", "r": "\r"}
    out, chars = [], iter(text[1:-1])
    for char in chars:
        out.append(escapes.get(next(chars, ""), "") if char == "\\" else char)
    return "".join(out)


def parse_po(path: Path) -> list[Entry]:
    """A deliberately simple .po reader: flags, msgctxt/msgid/msgid_plural/msgstr[n] with continuation
    lines. Obsolete entries (#~) are skipped, as gettext does."""
    entries: list[Entry] = []
    entry: Entry | None = None
    target: tuple[str, int] | None = None
    for number, raw in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        where = f"{path.name}:{number}"
        line = raw.strip()
        if not line or line.startswith("#~"):
            continue
        # A comment, msgctxt or msgid after a msgstr opens the next entry.
        if line.startswith(("#", "msgctxt ", "msgid ")) and (entry is None or entry.msgstr):
            entry, target = Entry(), None
            entries.append(entry)
        if line.startswith("#,"):
            entry.flags.update(flag.strip() for flag in line[2:].split(",") if flag.strip())
        elif line.startswith("#"):
            continue
        elif line.startswith('"'):
            assert entry is not None and target is not None, f"{where}: continuation line outside an entry"
            name, index = target
            if name == "msgstr":
                entry.msgstr[index] += _unquote(line, where)
            else:
                setattr(entry, name, getattr(entry, name) + _unquote(line, where))
        else:
            keyword, _, rest = line.partition(" ")
            assert entry is not None, f"{where}: {keyword} outside an entry"
            if keyword in ("msgctxt", "msgid", "msgid_plural"):
                setattr(entry, keyword, _unquote(rest, where))
                target = (keyword, 0)
                if keyword == "msgid":
                    entry.line = number
            elif keyword == "msgstr" or (keyword.startswith("msgstr[") and keyword.endswith("]")):
                index = int(keyword[7:-1]) if keyword != "msgstr" else 0
                entry.msgstr[index] = _unquote(rest, where)
                target = ("msgstr", index)
            else:
                raise AssertionError(f"{where}: cannot read {raw!r}")
    return entries


def messages(entries: list[Entry]) -> list[Entry]:
    """The entries without the header (the empty msgid)."""
    return [e for e in entries if e.key != (None, "")]


def require(*programs: str) -> None:
    missing = [p for p in programs if shutil.which(p) is None]
    if missing:
        # Reason: these checks run gettext's own tools; a machine without them cannot check, CI has them.
        pytest.skip(f"{', '.join(missing)} not on PATH (apt-get install gettext); CI installs it")


def describe(entry: Entry) -> str:
    context = f" [{entry.msgctxt}]" if entry.msgctxt is not None else ""
    return f"line {entry.line}: {entry.msgid!r}{context}"


def test_the_parser_reads_what_msgfmt_compiles():
    """Guard for the reader above: it sees the messages the compiled catalogue holds."""
    import gettext

    with MO_FILE.open("rb") as handle:
        catalog = gettext.GNUTranslations(handle)
    compiled = {key for key in catalog._catalog if key != ""}  # GNUTranslations has no public listing
    # Plural entries are stored once per form as (msgid, n); contexts as "ctxt\x04msgid".
    compiled_ids = {key[0] if isinstance(key, tuple) else key for key in compiled}
    parsed_ids = {
        (f"{e.msgctxt}\x04{e.msgid}" if e.msgctxt is not None else e.msgid)
        for e in messages(parse_po(PO_FILE))
        # msgfmt leaves out fuzzy and untranslated entries (the next test reports those)
        if "fuzzy" not in e.flags and e.msgstr and all(e.msgstr.values())
    }
    assert parsed_ids == compiled_ids, f"the .po and the .mo differ: {FIX}"


def test_header_is_not_fuzzy_and_names_the_language():
    header = next(e for e in parse_po(PO_FILE) if e.key == (None, ""))
    assert "fuzzy" not in header.flags, "remove the `#, fuzzy` flag from the .po header"
    assert "Language: en\n" in header.msgstr[0]
    assert "charset=UTF-8" in header.msgstr[0]


def test_every_entry_is_translated_and_not_fuzzy():
    entries = messages(parse_po(PO_FILE))
    assert entries, f"no messages in {PO_FILE}"
    fuzzy = [describe(e) for e in entries if "fuzzy" in e.flags]
    untranslated = [
        describe(e)
        for e in entries
        if not e.msgstr
        or any(not text.strip() for text in e.msgstr.values())
        # a plural entry needs both English forms
        or (e.msgid_plural is not None and sorted(e.msgstr) != [0, 1])
    ]
    problems = [f"fuzzy: {d}" for d in fuzzy] + [f"untranslated: {d}" for d in untranslated]
    assert not problems, f"{len(problems)} entries need an English translation ({FIX}):\n" + "\n".join(
        problems
    )


def test_catalogue_covers_every_string_in_the_code(tmp_path):
    require("xgettext", "msgfmt", "msguniq", "msgmerge")
    copy = tmp_path / "talentbase"
    for source in PACKAGE.rglob("*"):
        if source.is_file() and source.suffix in SOURCE_SUFFIXES and "__pycache__" not in source.parts:
            target = copy / source.relative_to(PACKAGE)
            target.parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(source, target)
    # makemessages writes next to the files it reads when it finds a locale/ directory there; without it,
    # it would fall back to settings.LOCALE_PATHS, i.e. the committed catalogue.
    (copy / "locale" / "en" / "LC_MESSAGES").mkdir(parents=True)
    committed_before = PO_FILE.read_bytes()
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "talentbase.settings",
        "TALENTBASE_DEV": "1",
        "PYTHONPATH": os.pathsep.join(filter(None, [str(ROOT), os.environ.get("PYTHONPATH")])),
    }
    result = subprocess.run(
        [sys.executable, "-m", "django", "makemessages", "-l", "en", "--no-location"],
        cwd=copy,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert PO_FILE.read_bytes() == committed_before, "makemessages changed the committed catalogue"
    assert result.returncode == 0, f"makemessages failed:\n{result.stdout}\n{result.stderr}"
    produced = copy / "locale" / "en" / "LC_MESSAGES" / "django.po"
    assert produced.exists(), f"makemessages wrote no catalogue:\n{result.stdout}\n{result.stderr}"

    in_code = {e.key: e for e in messages(parse_po(produced))}
    committed = {e.key for e in messages(parse_po(PO_FILE))}
    assert in_code, "makemessages found no translatable strings: is the copy complete?"
    missing = sorted(key for key in in_code if key not in committed)
    listing = "\n".join(
        f"  {msgid!r}" + (f" [context {context!r}]" if context is not None else "")
        for context, msgid in missing
    )
    assert not missing, f"{len(missing)} strings of the code are not in {PO_FILE.name}; {FIX}:\n{listing}"


def test_compiled_catalogue_matches_the_po(tmp_path):
    require("msgfmt")
    assert MO_FILE.exists(), f"{MO_FILE} is missing; {FIX}"
    fresh = tmp_path / "django.mo"
    subprocess.run(["msgfmt", "--check-format", "-o", str(fresh), str(PO_FILE)], check=True)
    assert fresh.read_bytes() == MO_FILE.read_bytes(), f"django.mo is out of date with django.po; {FIX}"


def test_english_is_rendered():
    with translation.override("en"):
        assert translation.gettext("登录") == "Sign in"
        assert translation.gettext("退出") == "Sign out"
        assert translation.ngettext("发现 %(n)s 处异常：", "发现 %(n)s 处异常：", 2) % {"n": 2} == (
            "2 problems found:"
        )
    with translation.override("zh-hans"):
        assert translation.gettext("登录") == "登录"

"""Issue 8: every text a user reads goes through one gettext catalog, and the Korean catalog is complete.

The AST walk is `tests/i18n_scan.py` (also the maintainer's tool: `python tests/i18n_scan.py --update`
rewrites the Korean .po after the code's messages changed: new ids come in empty, stale ones go).
- Bypasses: string literals in smfed_tui/*.py and screens/*.py that look like text for a user (a
  letter and a space, or handed straight to print, help=, description=, an error, a widget label, a
  notification, a key binding's description...) and are not inside `_()`/`N_()`/`ngettext()`.
- Catalog: the message ids the same walk extracts must be exactly the .po's, each translated, with
  the same placeholders, so `.format()` can never fail in Korean.
"""
from __future__ import annotations

import gettext
import re
import string
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

import i18n_scan as scan
from smfed_tui import i18n
from smfed_tui.i18n import PoTranslations, catalog_path, choose_language, language, parse_po

ROOT = Path(__file__).resolve().parent.parent
SEED = Path(__file__).parent / "fixtures" / "seed" / "seed-1.18.9-red-mesh-smcp.yaml"
SCRIPT = Path(sys.executable).with_name("smfed-wizard")
HANGUL = re.compile(r"[\uac00-\ud7a3]")


def po_entries() -> dict[str, dict]:
    return {e["msgid"]: e for e in parse_po(catalog_path("ko").read_text(encoding="utf-8")) if e["msgid"]}


# --- nothing bypasses the catalog ---------------------------------------------------------------------

def test_no_user_text_bypasses_the_catalog():
    found = scan.bypasses()
    assert not found, ("user text outside _(): wrap it in _() (N_() in a table built at import), or, if "
                       "no user ever reads it, add it to ALLOWED in tests/i18n_scan.py:\n"
                       + "\n".join(map(str, found)))


def test_the_scan_sees_what_it_must(tmp_path):
    """The walk is not blind: each kind of bypass in a small module is found, and each kind of
    string that is not user text is left alone."""
    module = tmp_path / "sample.py"
    module.write_text(textwrap.dedent('''
        """A docstring with words in it."""
        import re
        from textual.binding import Binding
        from smfed_tui.i18n import N_, _

        CSS = "Sample { height: 1fr; }"
        BINDINGS = [Binding("f1", "help", "Help"), Binding("f2", "other", N_("Other"))]
        PATTERN = re.compile(r"no such host|connection refused")

        def run(parser, name, app):
            """Another docstring."""
            print("aborted")
            print(_("nothing written"))
            parser.add_argument("--x", metavar="NAME", help="the name of it")
            raise ValueError(f"{name} is not a number")
            app.notify(_("Saved {file}").format(file=name), severity="error")
            if name == "two words":
                return {"spec key": 1}
            label = Label("Mesh name", classes="field-label")
            return f"{name} was written"
    '''))
    found = {(b.text, b.why.split(" ")[0]) for b in scan.bypasses([module])}
    assert found == {("Help", "Binding()"), ("aborted", "print()"), ("the name of it", "help="),
                     ("{} is not a number", "ValueError()"), ("Mesh name", "Label()"),
                     ("{} was written", "words")}
    assert set(scan.message_ids([module])) == {"Other", "nothing written", "Saved {file}"}


def test_no_message_is_built_before_translation():
    """`_()` of an f-string, a concatenation or a formatted string would never be in the catalog."""
    assert scan.dynamic_catalog_calls() == []


def test_no_function_shadows_the_underscore():
    """`a, _ = ...` in a function that calls `_()` makes `_` local: UnboundLocalError at run time."""
    assert scan.shadowed_underscore() == []


def test_the_allow_list_has_no_stale_entry():
    assert scan.allowed_unused() == []


# --- the Korean catalog matches the code -----------------------------------------------------------------

def test_korean_catalog_has_every_message_and_no_stale_one():
    code, plurals = scan.message_ids(), scan.plural_ids()
    wanted = set(code) - set(plurals.values())
    entries = po_entries()
    missing = sorted(wanted - set(entries))
    stale = sorted(set(entries) - wanted)
    assert not missing and not stale, (
        f"run `python tests/i18n_scan.py --update` and translate the new entries\nmissing: {missing}\nstale: {stale}")
    for singular, plural in plurals.items():
        assert entries[singular]["msgid_plural"] == plural, singular


def _fields(text: str) -> tuple[list, list]:
    fields = sorted((name, spec or "", conv or "") for _lit, name, spec, conv in string.Formatter().parse(text)
                    if name is not None)
    percents = sorted(re.findall(r"%\(\w+\)[sdr]|%[sdr]", text))
    return fields, percents


def _plain_words(text: str) -> list[str]:
    """English words in a message, leaving out placeholders, `code`, field paths, flags and names."""
    text = re.sub(r"\{[^{}]*\}|`[^`]*`", " ", text)
    return [w for w in re.findall(r"[\w.\-/+']+", text)
            if re.fullmatch(r"[a-z]{3,}", w)]


def test_every_korean_entry_is_translated_with_the_same_placeholders():
    problems = []
    for msgid, entry in po_entries().items():
        strings = entry["msgstr"]
        if "fuzzy" in entry["flags"] or not strings or not all(strings):
            problems.append(f"not translated: {msgid!r}")
            continue
        for text in strings:
            if _fields(text) != _fields(msgid):
                problems.append(f"placeholders differ: {msgid!r} -> {text!r}")
            if (text[:len(text) - len(text.lstrip())], text[len(text.rstrip()):]) != \
                    (msgid[:len(msgid) - len(msgid.lstrip())], msgid[len(msgid.rstrip()):]):
                problems.append(f"leading or trailing whitespace differs: {msgid!r} -> {text!r}")
            if not HANGUL.search(text) and _plain_words(msgid):
                problems.append(f"left in English: {msgid!r} -> {text!r}")
    assert not problems, "\n".join(problems)


def _sample_values(text: str) -> dict:
    """A value for each named field of a message, of the kind its format spec takes."""
    values = {}
    for _lit, name, spec, _conv in string.Formatter().parse(text):
        if name is not None:
            values[name] = 1 if re.search(r"[dxXf,]$", spec or "") else "x"
            values.update({nested: 1 for nested in re.findall(r"\{(\w+)\}", spec or "")})
    return values


def test_every_korean_message_formats():
    """Each translation of a message with named values formats with the values its English id takes."""
    for msgid, entry in po_entries().items():
        names = [name for name, _spec, _conv in _fields(msgid)[0]]
        if not names or not all(re.fullmatch(r"\w+", n) for n in names):
            continue   # no values, or braces that are text (`{namespace, name, alias}`): never formatted
        values = _sample_values(msgid)
        msgid.format(**values)
        for text in entry["msgstr"]:
            text.format(**values)


def test_field_help_follows_the_korean_docs():
    """Tables 1.7 and 1.8 of the Korean OSSM docs (seed section 1.18.9), as the wizard shows them."""
    from smfed_tui.fields import MESH_FIELD_BY_KEY, PEER_OPTION_FIELDS
    docs = {
        MESH_FIELD_BY_KEY["cluster-name"]: "클러스터의 이름입니다. 클러스터 이름을 지정할 필요는 없지만 문제 해결에 유용합니다.",
        MESH_FIELD_BY_KEY["network"]: "클러스터 네트워크의 이름입니다. 네트워크의 이름을 지정할 필요는 없지만 구성 및 문제 해결에 유용합니다.",
        PEER_OPTION_FIELDS["egress"]: "페더레이션에서 메시 피어에 대한 추가 송신 게이트웨이를 정의합니다.",
        PEER_OPTION_FIELDS["ingress"]: "페더레이션에서 메시 피어에 대한 추가 수신 게이트웨이를 정의합니다.",
        PEER_OPTION_FIELDS["egress-label"]: "연결된 트래픽이 클러스터의 기본 시스템 게이트웨이를 통과하지 못하도록 게이트웨이의 고유한 레이블을 지정합니다.",
        PEER_OPTION_FIELDS["router-mode"]: "게이트웨이에서 사용할 라우터 모드입니다.",
        PEER_OPTION_FIELDS["network"]: "내보낸 서비스와 관련된 네트워크",
        PEER_OPTION_FIELDS["service"]: "공개적으로 사용할 수 있는 로드 밸런서",
    }
    with language("ko"):
        for fld, sentence in docs.items():
            assert sentence in fld.help, (fld.key, fld.help)
        assert MESH_FIELD_BY_KEY["cluster-name"].label == "클러스터 이름"


# --- the catalog machinery --------------------------------------------------------------------------------

def test_po_reader(tmp_path):
    po = tmp_path / "x.po"
    po.write_text(textwrap.dedent(r'''
        msgid ""
        msgstr ""
        "Language: ko\n"
        "Plural-Forms: nplurals=1; plural=0;\n"

        # a comment
        msgid "a \"quoted\"\tword"
        msgstr "따옴표 \"붙은\"\t단어"

        msgid ""
        "two "
        "lines\n"
        msgstr "두 줄\n"

        #, fuzzy
        msgid "unsure"
        msgstr "확실하지 않음"

        msgid "empty"
        msgstr ""

        msgid "{n} file"
        msgid_plural "{n} files"
        msgstr[0] "파일 {n}개"
    '''), encoding="utf-8")
    t = PoTranslations(po)
    assert isinstance(t, gettext.NullTranslations)
    assert t.gettext('a "quoted"\tword') == '따옴표 "붙은"\t단어'
    assert t.gettext("two lines\n") == "두 줄\n"
    assert t.gettext("unsure") == "unsure"       # fuzzy: left in English
    assert t.gettext("empty") == "empty"         # untranslated: English
    assert t.ngettext("{n} file", "{n} files", 1) == t.ngettext("{n} file", "{n} files", 5) == "파일 {n}개"
    assert t.ngettext("{x} dog", "{x} dogs", 2) == "{x} dogs"
    with pytest.raises(ValueError):
        parse_po('msgid "a"\nmsgstr b\n')


@pytest.mark.parametrize("explicit, env, expected", [
    ("ko", {"LANG": "en_US.UTF-8"}, "ko"),
    ("EN", {"LANG": "ko_KR.UTF-8"}, "en"),
    (None, {"LANG": "ko_KR.UTF-8"}, "ko"),
    (None, {"LANG": "ko_KR.UTF-8", "LC_MESSAGES": "C"}, "en"),
    (None, {"LC_ALL": "ko_KR.eucKR", "LC_MESSAGES": "en_US", "LANG": "en_US"}, "ko"),
    (None, {"LC_ALL": "", "LANG": "ko"}, "ko"),
    (None, {"LANG": "fr_FR.UTF-8"}, "en"),
    (None, {"LANG": "C.UTF-8"}, "en"),
    (None, {}, "en"),
])
def test_choose_language(explicit, env, expected):
    assert choose_language(explicit, env) == expected


def test_unknown_explicit_language_is_refused():
    with pytest.raises(ValueError):
        choose_language("fr", {})


def test_language_is_restored_and_english_is_the_default():
    assert i18n.current_language() == "en"
    with language("ko"):
        assert i18n._("Mesh name") == "메시 이름"
    assert i18n._("Mesh name") == "Mesh name" and i18n.current_language() == "en"


def test_importing_the_catalog_module_is_cheap():
    code = "import sys, smfed_tui.i18n; print(sorted(m for m in sys.modules if m.split('.')[0] in ('textual', 'rich', 'yaml')))"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.strip() == "[]"


def test_a_build_ships_the_korean_catalog(tmp_path):
    """pyproject's package data takes locale/*/LC_MESSAGES/* into a (non-editable) build: setuptools'
    build_py, the step that fills a wheel, run offline on a copy of the sources."""
    import shutil
    for name in ("pyproject.toml", "README.md"):
        shutil.copy(ROOT / name, tmp_path / name)
    for name in ("smfed_tui", "screens"):
        shutil.copytree(ROOT / name, tmp_path / name, ignore=shutil.ignore_patterns("__pycache__"))
    proc = subprocess.run([sys.executable, "-c", "from setuptools import setup; setup()", "-q", "build_py",
                           "--build-lib", str(tmp_path / "out")], cwd=tmp_path, capture_output=True, text=True,
                          timeout=300)
    assert proc.returncode == 0, proc.stderr
    built = tmp_path / "out" / "smfed_tui" / "locale" / "ko" / "LC_MESSAGES" / "smfed.po"
    assert built.read_bytes() == catalog_path("ko").read_bytes()


# --- the command line in Korean ---------------------------------------------------------------------------

def run(args, env_lang=None, **env):
    import os
    environ = {k: v for k, v in os.environ.items() if k not in ("LC_ALL", "LC_MESSAGES", "LANG", "LANGUAGE")}
    if env_lang:
        environ["LANG"] = env_lang
    environ.update(env)
    return subprocess.run([str(SCRIPT), *args], capture_output=True, text=True, env=environ, timeout=60)


def test_validate_speaks_korean_under_a_korean_locale():
    proc = run(["validate", str(SEED)], env_lang="ko_KR.UTF-8")
    assert proc.returncode == 0
    assert "경고 SMF002 spec.version v2.2은(는) Operator 2.5 이후로 지원되지 않습니다" in proc.stdout
    assert "  해결: " in proc.stdout
    assert proc.stdout.endswith("오류 0개, 경고 3개, 힌트 6개 (파일 1개)\n")


def test_validate_stays_english_by_default_and_with_lang_en():
    english = run(["validate", str(SEED)])
    assert english.stdout.endswith("0 errors, 3 warnings, 6 hints in 1 file\n")
    assert run(["validate", str(SEED), "--lang", "en"], env_lang="ko_KR.UTF-8").stdout == english.stdout


@pytest.mark.parametrize("args", [["--lang", "ko", "validate", "F"], ["validate", "F", "--lang", "ko"],
                                  ["validate", "--lang=ko", "F"]])
def test_lang_flag_anywhere(args):
    proc = run([str(SEED) if a == "F" else a for a in args])
    assert "힌트 SMF090 routerMode는 v2.2부터 무시됩니다" in proc.stdout


def test_json_keeps_english_messages_unless_lang_is_given():
    import json
    implicit = json.loads(run(["validate", "--format", "json", str(SEED)], env_lang="ko_KR.UTF-8").stdout)
    assert implicit == json.loads(run(["validate", "--format", "json", str(SEED)]).stdout)
    assert implicit[0]["code"] == "SMF002" and implicit[0]["message"].startswith("spec.version v2.2 is served by no operator")
    explicit = json.loads(run(["validate", "--format", "json", str(SEED), "--lang", "ko"]).stdout)
    assert [f["code"] for f in explicit] == [f["code"] for f in implicit]
    assert explicit[0]["severity"] == "warning" and HANGUL.search(explicit[0]["message"])


def test_unknown_lang_is_a_usage_error():
    proc = run(["--lang", "fr", "validate", str(SEED)])
    assert proc.returncode == 2 and "--lang 'fr' is not one of en, ko" in proc.stderr
    assert run(["validate", str(SEED), "--lang"]).returncode == 2


def test_help_and_argparse_errors_in_korean():
    helped = run(["--lang", "ko", "validate", "--help"])
    assert helped.stdout.startswith("사용법: smfed-wizard validate") and "옵션:" in helped.stdout
    assert "클러스터의 노드 포트 범위(기본값 30000-32767)" in helped.stdout
    missing = run(["validate"], env_lang="ko_KR.UTF-8")
    assert missing.returncode == 2 and "오류: 다음 인수가 필요합니다: FILE" in missing.stderr


def test_main_restores_the_language_it_found(capsys):
    from smfed_tui.cli import main
    assert main(["--lang", "ko", "validate", str(SEED)]) == 0
    assert "힌트" in capsys.readouterr().out
    assert i18n.current_language() == "en"


# --- the plain prompts in Korean ----------------------------------------------------------------------------

def test_plain_prompts_in_korean(red_mesh, capsys, monkeypatch):
    """The line-by-line wizard asks with the Korean labels and help, and says its steps in Korean."""
    import questionary
    from prompt_toolkit.application import create_app_session
    from prompt_toolkit.input import create_pipe_input
    from prompt_toolkit.output import DummyOutput

    from smfed_tui.plain import run_plain
    asked = []
    real = questionary.text

    def recording(message, *args, **kwargs):
        asked.append((message, kwargs.get("instruction")))
        return real(message, *args, **kwargs)
    monkeypatch.setattr(questionary, "text", recording)
    path = red_mesh
    with language("ko"), create_pipe_input() as inp:
        inp.send_text("\r" * 7 + "5\r" + "\r" * 6 + "6\r")   # keep the mesh, done with peers, keep exposure, quit
        inp.close()
        with create_app_session(input=inp, output=DummyOutput()):
            assert run_plain(str(path)) == 130
    out = capsys.readouterr()
    assert "== 5단계 중 1단계: 메시 ==" in out.out and "피어 메시: green-mesh, blue-mesh" in out.out
    assert "쓰지 않고 종료. 아무것도 쓰지 않았습니다" in out.err
    assert ("클러스터 이름", "spec.cluster.name: 클러스터의 이름입니다. 클러스터 이름을 지정할 필요는 없지만 "
            "문제 해결에 유용합니다.") in asked

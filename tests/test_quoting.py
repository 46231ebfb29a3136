"""Every string we write reads back as the same string in YAML 1.1 (PyYAML, like kubectl's go-yaml v2)
and YAML 1.2 (ruamel.yaml).

The property test feeds arbitrary text (hypothesis `st.text()`, every Unicode code point except
surrogates) to quote_string, writes it as a mapping value `k: <out>`, and loads that with both
libraries. 2,000 examples per run; hypothesis also keeps the failures it found before in its
database and replays them first.
"""
from __future__ import annotations

import pytest
import yaml
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st
from ruamel.yaml import YAML

from smfed_tui.emit import emit_document
from smfed_tui.quoting import format_scalar, is_plain_safe, quote_string

SETTINGS = settings(max_examples=2000, deadline=None, suppress_health_check=[HealthCheck.too_slow])


def load_both(document: str):
    """(PyYAML value of key k, ruamel.yaml value of key k). A fresh ruamel loader each time: one that
    raised is left in a broken state and would blame the next example."""
    return yaml.safe_load(document)["k"], YAML(typ="safe").load(document)["k"]


def assert_round_trip(text: str, out: str) -> None:
    document = f"k: {out}\n"
    v11, v12 = load_both(document)
    assert v11 == text, f"YAML 1.1 reads {out!r} as {v11!r}"
    assert v12 == text, f"YAML 1.2 reads {out!r} as {v12!r}"
    assert isinstance(v11, str) and isinstance(v12, str)


# Known traps, each a value the property must hold for (hypothesis also tries them every run):
TRAPS = ["", " ", "yes", "Yes", "on", "ON", "off", "y", "n", "no", "true", "null", "~", "0777", "0o17", "0x1F",
         "0b101", "08", "-09", "0_8", "1_000", "1e3", "1.0", ".5", "._", "+1", "-1", "12:30", "1:20:30", "2024-01-01", "2024-1-1 10:00",
         ".inf", ".NaN", "<<", "=", "-", "- x", "? x", ": x", "a: b", "a #b", "#x", "&a", "*a", "!tag", "%x", "@x",
         "`x", "|", ">", "'", '"', "[a]", "{a: 1}", "a,b", " lead", "trail ", "tab\there", "line\nbreak", "\r",
         "\x85", "\u2028", "\u2029", "\ufeff", "\x00", "\x07", "\x1b", "\x7f", "\x80", "\x9f", "\ufffe", "\uffff",
         "\U0001F600", "é", "日本語", "network-green-mesh", "federation.maistra.io/egress-for", "_", "_1", "1_"]


@pytest.mark.parametrize("text", TRAPS, ids=[repr(t) for t in TRAPS])
def test_known_traps_round_trip(text):
    assert_round_trip(text, quote_string(text))


@SETTINGS
@given(st.text())
@example("\x80")  # C1 control: was written raw inside single quotes, which both readers refuse
@example("\ufffe")
def test_any_string_reads_back_identically_in_yaml_1_1_and_1_2(text):
    assert_round_trip(text, quote_string(text))


@SETTINGS
@given(st.text(), st.sampled_from(["'", '"']))
def test_keeping_the_files_quote_style_still_round_trips(text, prefer):
    """The editor keeps the quote character a value already had (`prefer`)."""
    out = quote_string(text, prefer=prefer)
    assert_round_trip(text, out)
    if "\n" not in text and text.isprintable():
        assert out[0] == prefer  # the file's own quote character is kept when it can carry the text


@SETTINGS
@given(st.text(alphabet=st.characters(min_codepoint=0x20, max_codepoint=0x7E), max_size=12))
@example("08")  # YAML 1.2 reads it as the integer 8 (YAML 1.1 as a string): was written plain
def test_plain_only_when_plain_is_a_string_to_both_readers(text):
    out = quote_string(text)
    if out == text:
        assert is_plain_safe(text)
        assert_round_trip(text, out)


@SETTINGS
@given(st.text(alphabet="0123456789_.:+-eEoxXbBnaNAfFiIlLsStTuUrRyY~=< ", max_size=8))
def test_number_bool_and_null_look_alikes_round_trip(text):
    """The characters YAML 1.1 and 1.2 build ints, floats, bools, nulls and timestamps from: where
    the two resolvers disagree, st.text() alone rarely looks."""
    assert_round_trip(text, quote_string(text))


@pytest.mark.parametrize("value", ["yes", "on", "y", "0777", "1e3", "true", "null", "12:30"])
def test_yaml_1_1_look_alikes_are_quoted(value):
    out = quote_string(value)
    assert out != value and out[0] in "'\""


@pytest.mark.parametrize("value", ["red-mesh", "network-green-mesh", "v2.6", "LoadBalancer", "red-mesh.local",
                                   "federation.maistra.io/egress-for", "10m", "128Mi"])
def test_ordinary_values_stay_plain(value):
    assert quote_string(value) == value


def test_non_strings_are_written_as_what_they_are():
    assert format_scalar(True) == "true" and format_scalar(False) == "false"
    assert format_scalar(15443) == "15443"
    assert format_scalar(None) == "null"
    assert yaml.safe_load(emit_document({"a": "on", "b": True, "c": "8188", "d": 8188}, )) == \
        {"a": "on", "b": True, "c": "8188", "d": 8188}


@SETTINGS
@given(st.dictionaries(st.text(min_size=1), st.text(), min_size=1, max_size=4))
def test_emitted_keys_and_values_round_trip(mapping):
    """Keys go through the same quoting: a whole emitted block reads back as the same mapping."""
    document = emit_document(mapping)
    assert yaml.safe_load(document) == mapping
    assert YAML(typ="safe").load(document) == mapping

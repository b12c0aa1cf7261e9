"""Bad and unusual input: every case returns a string or raises a documented error."""

from __future__ import annotations

import json
import os
import random
import shutil
from pathlib import Path

import pytest
from conftest import BODY, news_html, news_text
from hypothesis import given, settings
from hypothesis import strategies as st

import boilerx
from boilerx.pipeline import decode as decode_module
from boilerx.pipeline import model as model_module
from boilerx.pipeline.decode import (
    decode,
    decode_exactly,
    looks_like_html,
    to_text,
    undo_utf16_as_bytes,
    undo_wrong_charset,
)


@pytest.mark.parametrize("page", ["", "   \n\t\n", b"", b"\n\n"])
def test_empty_or_blank_gives_empty_string(page) -> None:
    assert boilerx.clean(page) == ""


@pytest.mark.parametrize("page", [None, 42, ["<p>x</p>"], 3.5, {"html": "x"}])
def test_wrong_type_raises_type_error(page) -> None:
    with pytest.raises(TypeError, match="str or bytes"):
        boilerx.clean(page)


def test_bad_mode_and_threshold_raise_value_error() -> None:
    with pytest.raises(ValueError, match="mode"):
        boilerx.clean("text", mode="pdf")  # type: ignore[arg-type]
    with pytest.raises(ValueError, match="threshold"):
        boilerx.clean("text", threshold=1.5)


def test_random_bytes_give_a_string() -> None:
    rng = random.Random(7)
    for size in (1, 100, 10_000, 200_000):
        junk = bytes(rng.getrandbits(8) for _ in range(size))
        assert isinstance(boilerx.clean(junk), str)


def test_nul_characters_are_dropped_not_fatal() -> None:
    page = news_html().replace("harbour", "har\x00bour")
    out = boilerx.clean(page)
    assert "\x00" not in out
    assert "harbour ferry service" in out
    for mode in ("text", "auto"):  # scraped text: the splitter drops them itself
        out = boilerx.clean(news_text().replace("harbour", "har\x00bour\x00"), mode=mode)
        assert "\x00" not in out and "harbour ferry service" in out


@pytest.mark.parametrize("as_bytes", [False, True])  # bytes: flattened from the UTF-8
def test_page_nested_50000_deep(as_bytes: bool) -> None:
    markup = "<html><body>" + "<div>é" * 50_000 + f"<p>{BODY[0]}</p>" + "</div>" * 50_000
    page: str | bytes = markup.encode("utf-8") if as_bytes else markup
    out = boilerx.clean(page)
    assert isinstance(out, str)
    doc = boilerx.extract(page)
    assert any(BODY[0][:40] in line.text for line in doc.lines)  # the text was not lost


@pytest.mark.parametrize(
    ("prefix", "tag"),
    [
        ("<svg><style>", "<div>"),  # in SVG and MathML, <style> and <xmp> hold markup
        ("<svg><noframes><desc></noframes><style>", "<div>"),
        ("<math><xmp>", "<div>"),
        ("<svg></p><![CDATA[", "<div>"),  # </p> ends SVG: a bogus comment, to ">"
        ("", '<div title="a < b">'),  # "<" in a quoted value is no tag
    ],
)
@pytest.mark.parametrize("compiled", [True, False])
def test_nesting_the_tokenizer_reads_is_flattened(
    prefix: str, tag: str, compiled: bool, monkeypatch
) -> None:
    """Nesting 60,000 deep where an earlier reading saw raw text, CDATA or no tag: each took
    2 to 9 s to clean, and is flattened (the depth gate and the flattening read tags as the
    tokenizer does)."""
    from boilerx.pipeline import lines

    markup = "<html><body>" + prefix + tag * 60_000 + f"<p>{BODY[0]}</p>"
    with monkeypatch.context() as patch:
        if not compiled:
            patch.setattr(lines, "_compiled_walk", None)
        kept = _cut_text(markup, as_bytes=True)
    assert kept.count("<div") <= lines._MAX_DEPTH + 1 and kept.count(BODY[0]) == 1
    assert BODY[0] in boilerx.clean(markup)


@pytest.mark.parametrize("as_bytes", [False, True])
@pytest.mark.parametrize("compiled", [True, False])
def test_select_of_many_options(as_bytes: bool, compiled: bool, monkeypatch) -> None:
    """Lexbor parses a <select>'s options in quadratic time (100,000 took two minutes):
    past lines._MAX_OPTIONS a page's options are dropped before the parse, and nothing else."""
    from boilerx.pipeline import lines

    options = "".join(f"<option value='{i}'>Größe {i}</OPTION>" for i in range(30_000))
    markup = f"<html><body><select>{options}</select><p>{BODY[0]}</p><p>{BODY[1]}</p>"
    few = "<select>" + "<option>x</option>" * 1_000 + "</select>" + "<div></div>" * 5_000
    with monkeypatch.context() as patch:
        if not compiled:  # the vectorised depth bound counts the options
            patch.setattr(lines, "_compiled_walk", None)
        cut = lines._cut(None if as_bytes else markup, markup.encode() if as_bytes else None)[0]
        cut_few = lines._cut(few)[0]
    kept = cut.decode() if isinstance(cut, bytes) else cut
    assert "option" not in kept.lower() and "Größe" not in kept
    assert kept.count(BODY[0]) == 1 and "<select></select>" in kept
    assert (cut_few.decode() if isinstance(cut_few, bytes) else cut_few) == few  # unchanged
    assert BODY[0] in boilerx.clean(markup.encode("utf-8") if as_bytes else markup)


@pytest.mark.parametrize(
    "json_ld",
    ["[" * 100_000 + '"articleBody"' + "]" * 100_000,  # past the JSON parser's stack
     '{"a":' * 50_000 + '{"articleBody": "x"}' + "}" * 50_000,
     '{"@type": "NewsArticle", "headline": "H", "x": ' + "[" * 990 + "]" * 990 + "}"],
)  # fmt: skip
def test_json_ld_nested_too_deep_is_skipped(json_ld: str) -> None:
    """JSON-LD nested a thousand levels or more is not read (the parser, or the readers after
    it, would exhaust the stack); the page is."""
    page = (
        f'<html><head><script type="application/ld+json">{json_ld}</script>'
        f"<title>Harbour ferry service to expand</title></head>"
        f"<body><p>{BODY[0]}</p><p>{BODY[1]}</p></body></html>"
    )
    assert BODY[0] in boilerx.clean(page)
    doc = boilerx.extract(page)
    assert BODY[0] in doc.text and doc.title == "Harbour ferry service to expand"


def _cut_text(markup: str, as_bytes: bool) -> str:
    """The markup ``lines._cut`` hands the parser, as a str."""
    from boilerx.pipeline import lines

    cut = lines._cut(None if as_bytes else markup, markup.encode() if as_bytes else None)[0]
    return cut.decode() if isinstance(cut, bytes) else cut


@pytest.mark.parametrize("as_bytes", [False, True])
@pytest.mark.parametrize("compiled", [True, False])
@pytest.mark.parametrize("padding", [0, 300])  # 300: too few tags for the page's size to nest
def test_formatting_elements_left_open_by_the_thousand(
    as_bytes: bool, compiled: bool, padding: int, monkeypatch
) -> None:
    """<b id=N> closed only by the end of its paragraph stays in the parser's list of active
    formatting elements, which is rebuilt in every new paragraph: 30,000 of them took more
    memory than the machine had, and 3,300 in a 1 MB page 2 GB. Past lines._MAX_DEPTH such
    tags are dropped, text kept, on every page."""
    from boilerx.pipeline import lines

    count = 3_000 if padding else 30_000
    # each closed again inside a script, which the parser reads as text
    piled = "".join(f"<p><b id={i}>w{i}{' x' * padding}<script></b></script>" for i in range(count))
    markup = f"<html><body>{piled}<p>{BODY[0]}</p></body></html>"
    few = "".join(f"<p><b id={i}>w{i}</p>" for i in range(300)) + "<div><i>x</i></div>" * 9_000
    with monkeypatch.context() as patch:
        if not compiled:  # the reference reads the tags
            patch.setattr(lines, "_compiled_walk", None)
        kept = _cut_text(markup, as_bytes)
        assert _cut_text(few, as_bytes) == few  # 300 open: as it is
    assert "<b " not in kept and f"w{count - 1}" in kept and kept.count("<p>") == count + 1
    assert BODY[0] in boilerx.clean(markup.encode() if as_bytes else markup)


_MANY = 60_000  # attributes: about 5 s to parse each shape below as it is, past 1 minute x 3
_ATTRIBUTE_FLOODS = [
    "<div " + " ".join(f"a{i}" for i in range(_MANY)) + ">",
    "<div " + " ".join(f'a{i}=">"' for i in range(_MANY)) + ">",  # ">" in quoted values
    "<div " + " ".join(f"a{i}<" for i in range(_MANY)) + ">",  # "<" in names
    "<DIV " + "".join(f"A{i}='x'" for i in range(_MANY)) + ">",  # no spaces between
    "<script>var s = '<b x=\"';</script><div " + "/".join(f"a{i}" for i in range(_MANY)) + ">",
    "<svg><style><g " + " ".join(f"a{i}" for i in range(_MANY)) + "></g></style></svg><div>",
    "<div></p " + " ".join(f"a{i}" for i in range(_MANY)) + ">",  # an end tag's
]


@pytest.mark.parametrize("flood", range(len(_ATTRIBUTE_FLOODS)))
@pytest.mark.parametrize("as_bytes", [False, True])
def test_tag_with_a_flood_of_attributes_loses_them(flood: int, as_bytes: bool) -> None:
    """Lexbor compares each new attribute of a tag with those before it: 200,000 took three
    minutes. A tag with more than lines._MAX_ATTRIBUTES loses them before the parse, wherever
    the tokenizer reads them (quoted values holding ">", names holding "<", after a script,
    inside SVG, an end tag's), and the page's text stays."""
    from boilerx.pipeline import lines

    markup = f"<html><body>{_ATTRIBUTE_FLOODS[flood]}<p>{BODY[0]}</p></div></body></html>"
    kept = _cut_text(markup, as_bytes)
    assert f"a{_MANY - 1}" not in kept.lower() and kept.count(BODY[0]) == 1
    assert len(kept) < len(BODY[0]) + 100  # the tags, without the attributes
    assert BODY[0] in boilerx.clean(markup.encode() if as_bytes else markup)
    usual = "<div " + " ".join(f"a-{i}='{i}'" for i in range(lines._MAX_ATTRIBUTES)) + ">x"
    assert _cut_text(usual, as_bytes) == usual  # as many as that: as it is


def test_streamed_parts_that_loop_or_never_close() -> None:
    # a streamed part holding its own template is placed once, not forever
    looped = (
        "<body><template id='B:1'></template>"
        f"<div hidden id='S:1'><p>{BODY[0]}</p><template id='B:1'></template></div></body>"
    )
    doc = boilerx.extract(looped)
    assert sum(BODY[0][:40] in line.text for line in doc.lines) == 1
    # 20,000 boundaries that never close: the first fallback runs to the end, once
    waits = "".join(
        f"<!--$?--><template id='B:{i}'></template><p>wait {i}</p>" for i in range(20_000)
    )
    parts = "".join(f"<div hidden id='S:{i}'><p>part {i}</p></div>" for i in range(20_000))
    doc = boilerx.extract(f"<body><div>{waits}</div>{parts}</body>")
    assert [line.text for line in doc.lines] == ["part 0"]


def test_page_of_5000_links() -> None:
    links = "".join(f'<a href="/p/{i}">Link {i}</a> ' for i in range(5000))
    doc = boilerx.extract(f"<html><body><div>{links}</div></body></html>")
    assert doc.lines and sum(len(line.text) for line in doc.lines) > 20_000


def test_page_without_body_tag() -> None:
    out = boilerx.clean("".join(f"<p>{p}</p>" for p in BODY))
    assert BODY[0] in out


def test_20_mb_page() -> None:
    paragraph = "".join(f"<p>{p}</p>" for p in BODY)
    page = news_html(middle=paragraph * (20_000_000 // len(paragraph)))
    assert len(page) > 20_000_000
    out = boilerx.clean(page)
    assert out.count(BODY[0]) > 1000


def test_decode_bom_declared_charset_and_fallback() -> None:
    assert decode("Hällo".encode("utf-8-sig")) == "Hällo"
    assert decode("Hällo".encode("utf-16")) == "Hällo"
    cyrillic = '<meta charset="windows-1251"><p>Привет мир</p>'.encode("cp1251")
    assert "Привет мир" in decode(cyrillic)
    sjis = '<meta http-equiv="Content-Type" content="text/html; charset=Shift_JIS"><p>日本語</p>'
    assert "日本語" in decode(sjis.encode("shift_jis"))
    assert decode("naïve café".encode()) == "naïve café"
    assert decode("naïve café".encode("latin-1")) == "naïve café"  # not UTF-8: cp1252 fallback
    assert decode(b"\xff\xfe\xfa broken \x81") != ""


def test_declared_charset_that_lies_falls_back_to_utf8() -> None:
    page = '<meta charset="ascii"><p>Grüße</p>'.encode()
    assert "Grüße" in decode(page)


def test_a_few_broken_bytes_do_not_change_the_charset() -> None:
    # a page cut inside a character keeps its charset: the broken bytes become U+FFFD
    text = "Watchdog wytoczył sprawę – papieros"
    declared = f'<meta charset="utf-8"><p>{text}'.encode() + b"\xc3...</p>"
    assert text in decode(declared) and "\ufffd" in decode(declared)
    assert decode(text.encode() + b"\xc3").startswith(text)  # no declaration: still UTF-8
    # a single-byte page breaks UTF-8 at nearly every non-ASCII byte: Windows-1252
    assert decode("Grüße aus Köln, schöne Grüße".encode("cp1252")) == "Grüße aus Köln, schöne Grüße"


def test_utf16_read_one_byte_a_character_is_read_again() -> None:
    # a scraper (or a dataset) that read UTF-16 as Latin-1: "ÿþ" and a NUL after each letter
    text = "Grüße aus Köln, 東京\nand a second line"
    for codec, mark in (("utf-16-le", "\xff\xfe"), ("utf-16-be", "\xfe\xff")):
        assert undo_utf16_as_bytes(mark + text.encode(codec).decode("latin-1")) == text
    # line ends rewritten on the way shift the NULs: they are dropped (Latin script survives)
    shifted = "\xff\xfe" + "Hello".encode("utf-16-le").decode("latin-1") + "\n\x00\x00\nWorld"
    assert undo_utf16_as_bytes(shifted) == "Hello\n\nWorld"
    assert undo_utf16_as_bytes("ÿþ is how it looks") == "ÿþ is how it looks"  # no NULs: as is
    page = "\xff\xfe" + news_html().encode("utf-16-le").decode("latin-1")
    assert boilerx.clean(page) == boilerx.clean(news_html())


def _misread(text: str, codec: str) -> str:
    """``text``'s UTF-8 read one byte a character, as a browser (Windows-1252, with the five
    bytes it leaves undefined as C1 controls) or a Latin-1 reader shows it."""
    data = text.encode("utf-8")
    if codec == "latin-1":
        return data.decode("latin-1")
    return "".join(bytes([b]).decode("cp1252", errors="ignore") or chr(b) for b in data)


@pytest.mark.parametrize("codec", ["cp1252", "latin-1"])
def test_utf8_read_as_cp1252_is_read_again(codec: str) -> None:
    text = "Grüße für außen – “quoted” it’s 5 € … «Łódź» naïve ©2024\nSão Paulo ½ ¶"
    misread = _misread(text, codec)
    assert misread != text and "Ã¼" in misread
    assert undo_wrong_charset(misread) == text
    page = _misread(news_text(), codec)
    assert boilerx.clean(page) == boilerx.clean(news_text())


def test_utf8_read_as_latin1_whole_is_read_again() -> None:
    # what requests' .text gives for a UTF-8 page whose response declares no charset
    for page in (news_html().replace("city", "città"), news_text() + "\nGrüße – 東京, 5 €"):
        misread = page.encode("utf-8").decode("latin-1")
        assert misread != page and to_text(misread) == page
        assert boilerx.clean(misread) == boilerx.clean(page)
    latin1 = "Déjà vu: café crème, 5 °C, 10 × 2 ¼"  # Latin-1 read right: not valid UTF-8
    assert to_text(latin1) == latin1


@given(
    st.text(
        alphabet=st.characters(min_codepoint=0x20, max_codepoint=0x17F, exclude_categories=["Cc"])
        | st.sampled_from("–—‘’“”•…€™←→≤∞⟨⟩✓"),
        max_size=60,
    )
)
@settings(max_examples=300, deadline=None)
def test_utf8_read_as_cp1252_round_trips(text: str) -> None:
    for codec in ("cp1252", "latin-1"):
        assert undo_wrong_charset(_misread(text, codec)) == text


@pytest.mark.parametrize("compiled", [True, False])
def test_cp1252_read_as_latin1_is_read_again(compiled: bool, monkeypatch) -> None:
    if not compiled:
        monkeypatch.setattr(decode_module, "_compiled_shape", None)
    text = "It\x92s \x93quoted\x94 \x97 a dash \x85\n\x95 item \x80 5"
    assert undo_wrong_charset(text) == "It’s “quoted” — a dash …\n• item € 5"
    assert undo_wrong_charset("an undefined byte \x81 stays") == "an undefined byte \x81 stays"
    assert undo_wrong_charset("Itâ\x80\x99s") == "It’s"  # UTF-8 read as Latin-1 first


@pytest.mark.parametrize(
    "text",
    [
        "Straße\u00adnbahn, Maß\u00a0Bier, “Fuß” und Kreuzfahrt×\u00a0zwei",  # ß, × then a sign
        "SÃO PAULO, IRMÃ – mãe, château âgé, ÅSA Ärger Öl",  # leads followed by letters
        "le théâtre, l’été « Là » à 5 €, caf\u00e9\u00a0»",
        "Ø\u00a0Ø\u00a0 עברית ×\u00a0",
    ],
)
def test_text_read_right_is_kept(text: str) -> None:
    assert undo_wrong_charset(text) == text


@pytest.mark.parametrize(
    "label",
    ["base64", "zlib", "rot13", "hex", "uu", "quopri", "punycode", "idna", "undefined",
     "unicode_escape", "raw_unicode_escape", "utf-7"],
)  # fmt: skip
@pytest.mark.parametrize("encoding", ["utf-8", "cp1252"])
def test_declared_python_codec_that_is_no_web_charset(label: str, encoding: str) -> None:
    """Python knows these names, but no page is in them (byte transforms, escape decoders,
    UTF-7, which browsers refuse): the page is read as if it declared nothing."""
    page = f'<html><head><meta charset="{label}"></head><body><p>{BODY[0]} Café.</p></body>'
    data = page.encode(encoding)
    assert decode(data) == page
    assert "Café." in boilerx.clean(data)
    from boilerx.batch.records import _charset_decode

    assert _charset_decode(data, label) == data  # an HTTP header's charset, likewise
    assert _charset_decode(page.encode("utf-16"), "UTF-16") == page  # a real one is read


def test_html_detection() -> None:
    assert looks_like_html("<html><body><p>x</p></body></html>")
    assert looks_like_html("<div><p>One</p><p>Two</p></div>")
    assert not looks_like_html("Use <b> to make text bold.\nThat is all.")
    assert not looks_like_html("plain words only")


@pytest.mark.parametrize(
    "opening",
    ["<script>var x = 1;" + "x" * 30_000 + "</script>", "<!--" + " c" * 15_000 + " -->",
     "<p " + " ".join(f"data-n{i}=v" for i in range(3_000)) + ">"],
)  # fmt: skip
def test_markup_opening_with_one_long_tag_is_html(opening: str) -> None:
    """A page whose first 20,000 characters are one script, comment or tag holds no line
    break and no sign of a document: it is markup all the same, not text to keep whole."""
    page = opening + f"<p>{BODY[0]}</p><p>{BODY[1]}</p>"
    assert looks_like_html(page)
    out = boilerx.clean(page)
    assert BODY[0] in out and "xxxx" not in out and "data-n" not in out


def test_scraped_text_opening_with_a_tag_stays_text() -> None:
    """A browser's text can open with a tag it printed (a tracking pixel in <noscript>):
    its line breaks keep it text."""
    text = '<img src="https://t.example/p.gif" style="display:none" />\nNews\n' + (
        f"{BODY[0]}\n" * 200
    )
    assert len(text) > 20_000 and not looks_like_html(text)
    assert not looks_like_html("x" * 30_000)  # one long line of no markup


def test_tampered_model_is_refused(tmp_path: Path, monkeypatch) -> None:
    for f in model_module.shipped_model_dir().iterdir():
        if f.is_file():
            shutil.copy(f, tmp_path / f.name)
    manifest = json.loads((tmp_path / "MANIFEST.json").read_text())
    target = tmp_path / manifest["files"]["text"]["file"]
    data = bytearray(target.read_bytes())
    data[len(data) // 2] ^= 0xFF
    target.write_bytes(bytes(data))
    monkeypatch.setenv("BOILERX_MODEL_DIR", str(tmp_path))
    with pytest.raises(boilerx.ModelIntegrityError, match="SHA-256"):
        boilerx.clean("A line of text that is long enough to be scored as a sentence.")


def _model_copy(tmp_path: Path) -> Path:
    for f in model_module.shipped_model_dir().iterdir():
        if f.is_file():
            shutil.copy(f, tmp_path / f.name)
    return tmp_path


def test_model_folder_without_text_model_names_it(tmp_path: Path, monkeypatch) -> None:
    folder = _model_copy(tmp_path)
    manifest = json.loads((folder / "MANIFEST.json").read_text())
    del manifest["files"]["text"]
    (folder / "MANIFEST.json").write_text(json.dumps(manifest))
    monkeypatch.setenv("BOILERX_MODEL_DIR", str(folder))
    with pytest.raises(boilerx.ModelIntegrityError, match=r"text\.joblib"):
        boilerx.clean("A line of text that is long enough to be scored as a sentence.")
    # the HTML model in the same folder still loads and cleans
    assert "sentence" in boilerx.clean("<p>A line of text long enough to be a sentence here.</p>")


@pytest.mark.parametrize("manifest", ["{not json", '{"files": 3}', '{"files": {"text": {}}}', "[]"])
def test_malformed_manifest_is_a_model_error(tmp_path: Path, monkeypatch, manifest: str) -> None:
    folder = _model_copy(tmp_path)
    (folder / "MANIFEST.json").write_text(manifest)
    monkeypatch.setenv("BOILERX_MODEL_DIR", str(folder))
    with pytest.raises(boilerx.ModelIntegrityError, match="manifest"):
        boilerx.clean("A line of text that is long enough to be scored as a sentence.")


def test_missing_manifest_is_a_model_error(tmp_path: Path, monkeypatch) -> None:
    monkeypatch.setenv("BOILERX_MODEL_DIR", str(tmp_path))
    with pytest.raises(boilerx.ModelIntegrityError, match="no model manifest"):
        boilerx.clean("A line of text that is long enough to be scored as a sentence.")


def test_shipped_models_match_manifest() -> None:
    manifest = json.loads((model_module.shipped_model_dir() / "MANIFEST.json").read_text())
    for entry in manifest["files"].values():
        path = model_module.shipped_model_dir() / entry["file"]
        assert model_module.sha256_of(path) == entry["sha256"]
    total = sum(
        os.path.getsize(model_module.shipped_model_dir() / e["file"])
        for e in manifest["files"].values()
    )
    assert total <= 10_000_000


# ---------------------------------------------------------------- API edges


@pytest.mark.parametrize("threshold", ["0.3", True, False, b"0.3", [0.3]])
def test_threshold_that_is_no_number_raises_type_error(threshold: object) -> None:
    with pytest.raises(TypeError, match="threshold must be a number"):
        boilerx.clean("text", threshold=threshold)  # type: ignore[arg-type]


def test_threshold_nan_raises_value_error() -> None:
    with pytest.raises(ValueError, match="threshold"):
        boilerx.clean("text", threshold=float("nan"))


def test_bytearray_and_memoryview_are_read_as_bytes() -> None:
    page = news_html().encode("utf-8")
    expected = boilerx.clean(page)
    assert expected
    assert boilerx.clean(bytearray(page)) == expected
    assert boilerx.clean(memoryview(page)) == expected


# ---------------------------------------------------------------- charsets without a declaration

NEWS = {
    "ja": "東京都は火曜日、新しい交通計画を発表した。計画によると、来年の春から港と市内中心部を結ぶ"
    "三つの新しいフェリー路線が運行を開始する。担当者は、通勤時間が最大で四十分短縮されると述べた。",
    "zh": "市议会星期二投票决定扩大港口渡轮服务，从明年春天开始增加三条新航线，"
    "连接北部郊区和老城区。"
    "官员表示，这项已经讨论了近两年的计划将使一些居民的通勤时间缩短多达四十分钟。",
    "zh_tw": "市議會星期二投票決定擴大港口渡輪服務，從明年春天開始增加三條新航線，"
    "連接北部郊區和老城區。"
    "官員表示，這項已經討論了近兩年的計劃將使一些居民的通勤時間縮短多達四十分鐘。",
    "ru": "Городской совет во вторник проголосовал за расширение паромного сообщения в гавани: с "
    "будущей весны откроются три новых маршрута, которые свяжут северные пригороды со старым "
    "городом. По словам чиновников, план сократит время в пути на сорок минут.",
    "el": "Το δημοτικό συμβούλιο ψήφισε την Τρίτη την επέκταση της ακτοπλοϊκής σύνδεσης του "
    "λιμανιού, προσθέτοντας τρία νέα δρομολόγια που θα συνδέουν τα βόρεια προάστια με την παλιά "
    "πόλη από την επόμενη άνοιξη.",
    "ko": "시의회는 화요일 항구 페리 서비스를 확대하기로 의결했다. "
    "내년 봄부터 북부 교외와 구시가지를 잇는 세 개의 새로운 노선이 추가된다. "
    "관계자들은 통근 시간이 최대 40분 단축될 것이라고 말했다.",
    "ar": "صوت المجلس البلدي يوم الثلاثاء على توسيع خدمة العبارات في الميناء، بإضافة ثلاثة خطوط "
    "جديدة تربط الضواحي الشمالية بالمدينة القديمة اعتبارا من الربيع المقبل.",
    "cs": "Městská rada v úterý odhlasovala rozšíření přístavní trajektové dopravy a od příštího "
    "jara přidá tři nové linky, které propojí severní předměstí se starým městem. Úředníci "
    "uvedli, že plán zkrátí některým obyvatelům dobu dojíždění až o čtyřicet minut.",
    "fr": "Le conseil municipal a voté mardi l'extension du service de ferry, déjà très attendu. "
    "Élodie, née à Orléans, s'en réjouit : « c'est formidable ». Les travaux débuteront à l'été.",
}


def _undeclared_page(language: str, paragraphs: int = 3) -> str:
    body = "".join(f"<p>{NEWS[language]}</p>\n" for _ in range(paragraphs))
    return (
        "<html><head><title>News</title></head><body><nav><a href='/'>Home</a> | "
        f"<a href='/world'>World</a></nav><article>{body}</article></body></html>"
    )


@pytest.mark.parametrize(
    ("charset", "language"),
    [
        ("shift_jis", "ja"),
        ("euc_jp", "ja"),
        ("gb18030", "zh"),
        ("big5", "zh_tw"),
        ("cp1251", "ru"),
        ("koi8_r", "ru"),
        ("iso8859_7", "el"),
        ("euc_kr", "ko"),
        ("cp1256", "ar"),
        ("cp1252", "fr"),  # Western pages stay Windows-1252 (cp1250 text may too: too alike)
    ],
)
def test_undeclared_charset_is_detected(charset: str, language: str) -> None:
    pytest.importorskip("charset_normalizer")
    for paragraphs in (1, 6):
        page = _undeclared_page(language, paragraphs)
        assert decode(page.encode(charset)) == page


@pytest.mark.parametrize("codec", ["utf-16-le", "utf-16-be", "utf-32-le", "utf-32-be"])
@pytest.mark.parametrize("language", ["ru", "zh", "fr"])
def test_utf16_and_utf32_without_bom_are_recognised(codec: str, language: str) -> None:
    page = _undeclared_page(language, 4)
    assert decode(page.encode(codec)) == page


def test_page_declaring_utf8_in_cp1251_is_read_as_cp1251() -> None:
    pytest.importorskip("charset_normalizer")
    page = _undeclared_page("ru").replace("<head>", '<head><meta charset="utf-8">')
    assert decode(page.encode("cp1251")) == page


def test_utf8_page_with_a_few_broken_bytes_keeps_utf8() -> None:
    page = _undeclared_page("ru").replace("<head>", '<head><meta charset="utf-8">')
    data = page.encode("utf-8").replace("сорок".encode(), b"\xff\xfe", 1)
    assert "Городской совет" in decode(data) and "\ufffd" in decode(data)


def test_meta_charset_after_the_first_4_kb_counts() -> None:
    head = "<html><head>" + '<link rel="preload" href="/assets/app.js">\n' * 150
    page = head + '<meta charset="windows-1251"><title>x</title></head><body>'
    page += f"<p>{NEWS['ru']}</p></body></html>"
    assert len(head) > 4096
    assert decode(page.encode("cp1251")) == page
    # in the body it does not: this page is UTF-8
    body_meta = "<html><head></head><body>" + "<p>x</p>" * 700 + '<meta charset="koi8-r">é'
    assert decode(body_meta.encode("utf-8")) == body_meta


@pytest.mark.parametrize("codec", ["utf-16-le", "utf-16-be"])
@pytest.mark.parametrize("language", ["ru", "ja", "el"])
def test_utf16_read_as_latin1_is_undone_for_other_scripts(codec: str, language: str) -> None:
    page = _undeclared_page(language, 2)
    mark = "\ufeff".encode(codec)
    as_latin1 = (mark + page.encode(codec)).decode("latin-1")
    assert undo_utf16_as_bytes(as_latin1) == page
    assert (
        undo_utf16_as_bytes("ÿþ plain Latin-1 text, not UTF-16")
        == "ÿþ plain Latin-1 text, not UTF-16"
    )


_DECLARATIONS = [
    "",
    '<meta charset="utf-8">',
    '<meta charset="windows-1252">',
    '<meta charset="iso-8859-2">',
    '<meta charset="shift_jis">',
    '<meta charset="utf-16">',
]


@settings(max_examples=300, deadline=None)
@given(
    head=st.sampled_from(_DECLARATIONS),
    body=st.one_of(
        st.binary(max_size=200),
        st.text(max_size=200).map(lambda t: t.encode("utf-8", "surrogatepass")),
    ),
    bom=st.sampled_from([b"", b"\xef\xbb\xbf", b"\xff\xfe"]),
)
def test_decode_says_exactly_when_the_text_is_the_bytes_as_utf8(
    head: str, body: bytes, bom: bytes
) -> None:
    data = bom + head.encode("ascii") + body
    text, exact = decode_exactly(data)
    assert text == decode(data)
    if exact:
        assert text.encode("utf-8") == data
    if not bom and head in _DECLARATIONS[1:3] and _is_utf8(data):  # utf-8 or windows-1252
        assert exact  # valid UTF-8 under these labels is read as UTF-8 (the common case)


def _is_utf8(data: bytes) -> bool:
    try:
        data.decode("utf-8")
    except UnicodeDecodeError:
        return False
    return True


@pytest.mark.parametrize(
    "page",
    [
        news_html(),
        "<html><body><p>Caf\u00e9 \u00fcber \u4e2d\u6587 \U0001f600</p>\x00"
        "<p>after a NUL</p></body></html>",
        "<div>" * 3000 + "deep text" + "</div>" * 3000,  # flattened before parsing
    ],
)
def test_html_parsed_from_the_pages_own_bytes_gives_the_same_lines(page: str) -> None:
    from boilerx.api import split_page
    from boilerx.pipeline.lines import _columns

    from_text = split_page(page, "html")
    from_bytes = split_page(page, "html", page.encode("utf-8"))
    assert _columns(from_bytes) == _columns(from_text)
    assert from_bytes.texts  # a page that lost its text would compare equal to nothing else
    assert boilerx.clean(page.encode("utf-8"), mode="html") == boilerx.clean(page, mode="html")

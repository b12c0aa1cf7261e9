"""Cookie and consent notices: found by what they say, left out of scraped text before it is
scored, and dropped from HTML output."""

from __future__ import annotations

import gzip
import json
from pathlib import Path

import numpy as np
import pytest
from conftest import BODY, news_html, news_text

import boilerx
from boilerx.api import split_page
from boilerx.pipeline.decide import decide
from boilerx.pipeline.lines import drop_notices, html_lines, text_lines
from boilerx.pipeline.notices import consent_notices, may_hold_notices, notice_lines

# Notices as sites word them (written for these tests), in four languages.
NOTICE_EN = [
    "Your privacy, your choice",
    "We and our partners use cookies and similar technologies to store information on your "
    "device and to process personal data such as unique identifiers for personalised ads, "
    "content measurement and audience research. By clicking Accept you consent to this use.",
    "Some of this processing relies on legitimate interest rather than consent. You can object "
    "to how your data is used, change your preferences or withdraw your consent at any time.",
    "Accept all",
    "Manage options",
]
NOTICE_DE = (
    "Wir und unsere Partner speichern Cookies auf Ihrem Gerät und verarbeiten personenbezogene "
    "Daten. Mit einem Klick auf Zustimmen willigen Sie ein; Ihre Einwilligung können Sie "
    "jederzeit in den Einstellungen widerrufen."
)
NOTICE_FR = (
    "Avec nos partenaires, nous utilisons des cookies pour stocker des informations sur votre "
    "appareil et traiter vos données personnelles. En cliquant sur Accepter, vous donnez votre "
    "consentement, que vous pouvez retirer à tout moment dans les paramètres."
)
NOTICE_ES = (
    "Nosotros y nuestros socios usamos cookies para guardar información en tu dispositivo y "
    "tratar datos personales. Al hacer clic en Aceptar das tu consentimiento; puedes cambiarlo "
    "en cualquier momento en la configuración."
)
# Articles about cookies and privacy name some of a notice's words, not its partners and
# buttons together with what is stored and the reader's consent.
ABOUT_PRIVACY = [
    "The regulator fined the company 40 million euros for setting advertising cookies "
    "without asking visitors first, the third fine of its kind this year.",
    "Privacy groups said the decision showed that consent banners must offer a reject button "
    "as prominent as the accept button, and that personal data may not be shared by default.",
    "Bake the cookies for twelve minutes, then let them cool on the tray; they keep for a "
    "week in a tin, and the dough can be frozen for up to three months.",
]


def test_notices_are_found_in_every_language_and_articles_about_privacy_are_not() -> None:
    texts = [*ABOUT_PRIVACY, NOTICE_DE, NOTICE_FR, NOTICE_ES, BODY[0]]
    assert consent_notices(texts) == [3, 4, 5]
    assert consent_notices(ABOUT_PRIVACY + BODY) == []
    # the paragraph after a notice's first needs one group fewer: it names no cookies
    assert consent_notices(NOTICE_EN) == [1, 2]
    assert consent_notices([NOTICE_EN[2], *BODY]) == []


def test_a_notice_comes_with_its_heading_and_buttons() -> None:
    page = ["Council expands ferry service", *NOTICE_EN, BODY[0], "Read more", BODY[1]]
    assert notice_lines(page) == [1, 2, 3, 4, 5]
    # a sentence before a notice is no heading of it; a long line after it no button
    page = [BODY[0], *NOTICE_EN[1:3], BODY[1], "Accept"]
    assert notice_lines(page) == [1, 2]
    assert not may_hold_notices(" ".join(BODY))


def test_scraped_text_loses_its_notice_before_it_is_scored() -> None:
    article = news_text()
    plain = boilerx.extract(article, mode="text")
    for where in ("before", "after"):
        notice = "\n".join(NOTICE_EN) + "\n\n"
        text = notice + article if where == "before" else article + "\n\n" + notice
        doc = boilerx.extract(text, mode="text")
        assert doc.text == plain.text
        assert doc.title == plain.title
        assert [line.text for line in doc.lines] == [line.text for line in plain.lines]
        assert not any(line in split_page(text, "text").texts for line in NOTICE_EN)
        assert all(line in text_lines(text).texts for line in NOTICE_EN)  # training reads them


def test_a_removed_notice_leaves_its_gap_before_the_next_line() -> None:
    text = f"{BODY[0]}\n\n\n" + "\n".join(NOTICE_EN) + f"\n{BODY[1]}\n\n{BODY[2]}"
    page = text_lines(text)
    drop_notices(page, text)
    assert page.texts == BODY[:3]
    assert page.gaps == [0, 2, 1]
    assert len(page.kinds) == len(page.bits) == len(page.link_chars) == 3


def test_html_output_drops_a_consent_dialog() -> None:
    dialog = (
        "<div class='modal'><h2>"
        + NOTICE_EN[0]
        + "</h2>"
        + "".join(f"<p>{p}</p>" for p in NOTICE_EN[1:3])
        + "<button>Accept all</button></div>"
    )
    html = news_html(after=dialog)
    page = html_lines(html)
    notice = [page.texts.index(line) for line in NOTICE_EN[:3]]
    keep = decide(page, np.full(len(page.texts), 0.9), 0.5)
    assert not keep[notice].any()
    assert keep[[page.texts.index(p) for p in BODY]].all()
    # the notice's first paragraph scored low: its second, kept, goes all the same
    scores = np.full(len(page.texts), 0.9)
    scores[notice[1]] = 0.2
    assert not decide(page, scores, 0.5)[notice[2]]
    assert NOTICE_EN[1][:40] not in boilerx.clean(html)


def test_the_notices_benchmark_reads_a_dataset_and_compares_both_ways(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    from benchmarks import notices

    folder = tmp_path / "mini"
    (folder / "text").mkdir(parents=True)
    record = {"id": "p1", "url": None, "html": "p1.html.gz", "body": "\n".join(BODY)}
    (folder / "pages.jsonl").write_text(json.dumps(record) + "\n")
    (folder / "p1.html.gz").write_bytes(gzip.compress(news_html().encode()))
    (folder / "text/p1.txt").write_text(news_text())
    monkeypatch.setenv("BOILERX_DATA", str(tmp_path))
    assert notices.main(["--dataset", "mini", "--input", "text"]) == 0
    rows = [line.split("|")[1:4] for line in capsys.readouterr().out.splitlines()[3:] if line]
    assert len(rows) == 1 + 2 * len(notices.NOTICES)
    plain = rows[0][2]
    assert all(with_removal == plain for _, _, with_removal in rows)  # the notice changes nothing
    assert notices.main(["--dataset", "mini", "--input", "html"]) == 0
    rows = [line.split("|")[1:4] for line in capsys.readouterr().out.splitlines()[3:] if line]
    assert len(rows) == 1 + 2 * len(notices.NOTICES)
    assert all(with_removal.endswith("(0) ") for _, _, with_removal in rows)  # none kept
    # put back after the runs without them
    assert boilerx.api.drop_notices is drop_notices
    assert boilerx.pipeline.decide.notice_lines is notice_lines
    assert notices.main(["--dataset", "absent"]) == 0

"""Cookie and consent notices: how much of the article survives one.

A browser's saved text holds the site's cookie or consent notice wherever the site put it,
most often before the headline or after the footer; some pages carry the notice's dialog in
their HTML. This puts a notice (four languages, in the wording such notices use) before and
after the browser text of each page of a dataset, and as a dialog first and last in its
HTML body, and cleans each with and without the notices looked for (``drop_notices``, which
``split_page`` runs on scraped text, and ``decide``'s, from HTML), against the same pages
without a notice:

    python -m benchmarks.notices [--dataset fundus-dev] [--limit N] [--input text|html|both]

It prints the mean F1 against each page's reference body and how many pages keep a
paragraph of the notice. Without ``../shared/datasets`` the script says so and exits 0.
"""

from __future__ import annotations

import argparse
import html
import re
from collections.abc import Iterable, Iterator
from contextlib import contextmanager

import numpy as np

import boilerx
import boilerx.api
import boilerx.pipeline.decide
from benchmarks.datasets import data_root, decode_html, load_dataset
from boilerx.pipeline.lines import Page
from boilerx.training.metrics import score_page

# Notices as a browser saves them: heading, paragraphs, buttons (written for this benchmark).
NOTICES: dict[str, list[str]] = {
    "English (IAB-style)": [
        "We respect your privacy",
        "We and our partners store and access information on a device, such as cookies, and "
        "process personal data such as unique identifiers and browsing data to personalise ads "
        "and content, to measure ads and content and to develop services. With your permission "
        "we and our 800 partners may also use precise location data. Click to consent to this "
        "processing, or open the settings to choose what we may do before you consent or refuse.",
        "Some processing of your personal data may not need your consent, but you may object to "
        "it. Your choices apply to this site only, and you can change your preferences or "
        "withdraw your consent at any time from the Privacy link at the bottom of each page.",
        "MORE OPTIONS",
        "AGREE",
    ],
    "English (short)": [
        "Cookies on this site",
        "This site and its advertising partners use cookies to remember your choices, count "
        "visits and show ads that suit you. By clicking Accept all you agree to this; choose "
        "Settings to decide which cookies we may set, and change your mind at any time.",
        "Accept all",
        "Settings",
    ],
    "German": [
        "Ihre Privatsphäre",
        "Wir und unsere Partner speichern Cookies und ähnliche Technologien auf Ihrem Gerät und "
        "verarbeiten personenbezogene Daten, um Inhalte und Werbung zu personalisieren und die "
        "Nutzung zu messen. Mit einem Klick auf Alle akzeptieren willigen Sie ein; Ihre "
        "Einwilligung können Sie jederzeit in den Einstellungen widerrufen.",
        "Alle akzeptieren",
        "Ablehnen",
    ],
    "French": [
        "Vos choix concernant les cookies",
        "Avec nos partenaires, nous utilisons des cookies et des traceurs pour stocker des "
        "informations sur votre appareil et traiter vos données personnelles afin de mesurer "
        "l'audience et de vous proposer des publicités adaptées. En cliquant sur Accepter, vous "
        "consentez à ces usages ; vous pouvez retirer votre consentement à tout moment.",
        "Tout accepter",
        "Paramétrer",
    ],
}


@contextmanager
def _without_notice_removal() -> Iterator[None]:
    """boilerx as it was before notices were looked for: scraped text keeps them when split,
    and ``decide`` keeps them from HTML."""
    dropping, finding = boilerx.api.drop_notices, boilerx.pipeline.decide.notice_lines

    def keep_all(page: Page, text: str) -> None:
        return None

    def find_none(texts: list[str], lines: Iterable[int] | None = None) -> list[int]:
        return []

    boilerx.api.drop_notices = keep_all
    boilerx.pipeline.decide.notice_lines = find_none
    try:
        yield
    finally:
        boilerx.api.drop_notices = dropping
        boilerx.pipeline.decide.notice_lines = finding


def _f1(output: str, body: str) -> float:
    score = score_page(output, body)
    p, r = score.precision, score.recall
    return 2 * p * r / (p + r) if p + r else 0.0


def _with_notice(page: str, lines: list[str], where: str, mode: str) -> str:
    """``page`` with the notice's ``lines`` put at its start or end ("before", "after"): in
    HTML as a dialog (heading, paragraphs, buttons) first or last in the body."""
    if mode == "text":
        notice = "\n".join(lines)
        return f"{notice}\n\n{page}" if where == "before" else f"{page}\n\n{notice}"
    heading, *rest = lines
    dialog = (
        f"<div class='consent-dialog'><h2>{html.escape(heading)}</h2>"
        + "".join(
            f"<p>{html.escape(line)}</p>"
            if len(line) >= 60
            else f"<button>{html.escape(line)}</button>"
            for line in rest
        )
        + "</div>"
    )
    if where == "before":
        body = re.search(r"<body[^>]*>", page, re.IGNORECASE)
        at = body.end() if body else 0
    else:
        at = page.lower().rfind("</body>")
        at = len(page) if at < 0 else at
    return page[:at] + dialog + page[at:]


def _run(pages: list[tuple[str, str]], mode: str) -> dict[str, tuple[float, int]]:
    """Mean F1 and pages keeping a notice paragraph, by case ("no notice", "<notice>, before"
    …), cleaning in ``mode``."""
    f1s: dict[str, list[float]] = {"no notice": []}
    kept: dict[str, int] = {"no notice": 0}
    for page, body in pages:
        f1s["no notice"].append(_f1(boilerx.clean(page, mode=mode), body))  # type: ignore[arg-type]
        for name, lines in NOTICES.items():
            paragraphs = [line for line in lines if len(line) >= 60]
            for where in ("before", "after"):
                case = f"{name}, {where}"
                output = boilerx.clean(_with_notice(page, lines, where, mode), mode=mode)  # type: ignore[arg-type]
                f1s.setdefault(case, []).append(_f1(output, body))
                kept[case] = kept.get(case, 0) + any(p[:60] in output for p in paragraphs)
    return {case: (float(np.mean(values)), kept[case]) for case, values in f1s.items()}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--dataset", default="fundus-dev")
    parser.add_argument("--limit", type=int, default=None, help="pages at most")
    parser.add_argument("--input", choices=("text", "html", "both"), default="both")
    args = parser.parse_args(argv)
    folder = data_root() / args.dataset
    if not folder.is_dir():
        print(f"no dataset at {folder}: nothing to measure")
        return 0
    dataset = load_dataset(folder, limit=args.limit)
    for mode in ("text", "html") if args.input == "both" else (args.input,):
        pages = [
            (page.load_text() if mode == "text" else decode_html(page.load_html()), page.body)
            for page in dataset.pages
            if page.body
        ]
        with _without_notice_removal():
            before = _run(pages, mode)
        after = _run(pages, mode)
        print(f"{len(pages)} pages of {args.dataset}, {mode}; mean F1 (pages keeping the notice)")
        print("| notice | without notices looked for | with |")
        print("|---|---|---|")
        for case, (f1, kept) in after.items():
            old_f1, old_kept = before[case]
            print(f"| {case} | {old_f1:.4f} ({old_kept}) | {f1:.4f} ({kept}) |")
        print()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

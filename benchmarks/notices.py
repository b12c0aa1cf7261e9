"""Cookie and consent notices in scraped text: how much of the article survives one.

A browser's saved text holds the site's cookie or consent notice wherever the site put it,
most often before the headline or after the footer. This puts a notice (four languages, in
the wording such notices use) before and after the browser text of each page of a dataset
and cleans it in text mode, with and without ``drop_notices`` (which ``split_page`` runs on
scraped text), against the same pages without a notice:

    python -m benchmarks.notices [--dataset fundus-dev] [--limit N]

It prints the mean F1 against each page's reference body and how many pages keep a
paragraph of the notice. Without ``../shared/datasets`` the script says so and exits 0.
"""

from __future__ import annotations

import argparse
from collections.abc import Iterator
from contextlib import contextmanager

import numpy as np

import boilerx
import boilerx.api
from benchmarks.datasets import data_root, load_dataset
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
    """``split_page`` as it was before scraped text lost its notices."""
    kept = boilerx.api.drop_notices

    def keep_all(page: Page, text: str) -> None:
        return None

    boilerx.api.drop_notices = keep_all
    try:
        yield
    finally:
        boilerx.api.drop_notices = kept


def _f1(output: str, body: str) -> float:
    score = score_page(output, body)
    p, r = score.precision, score.recall
    return 2 * p * r / (p + r) if p + r else 0.0


def _run(pages: list[tuple[str, str]]) -> dict[str, tuple[float, int]]:
    """Mean F1 and pages keeping a notice paragraph, by case ("none", "<notice>, before" …)."""
    f1s: dict[str, list[float]] = {"no notice": []}
    kept: dict[str, int] = {"no notice": 0}
    for text, body in pages:
        f1s["no notice"].append(_f1(boilerx.clean(text, mode="text"), body))
        for name, lines in NOTICES.items():
            notice = "\n".join(lines)
            paragraphs = [line for line in lines if len(line) >= 60]
            for where, page in (
                ("before", f"{notice}\n\n{text}"),
                ("after", f"{text}\n\n{notice}"),
            ):
                case = f"{name}, {where}"
                output = boilerx.clean(page, mode="text")
                f1s.setdefault(case, []).append(_f1(output, body))
                kept[case] = kept.get(case, 0) + any(p[:60] in output for p in paragraphs)
    return {case: (float(np.mean(values)), kept[case]) for case, values in f1s.items()}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--dataset", default="fundus-dev")
    parser.add_argument("--limit", type=int, default=None, help="pages at most")
    args = parser.parse_args(argv)
    folder = data_root() / args.dataset
    if not folder.is_dir():
        print(f"no dataset at {folder}: nothing to measure")
        return 0
    dataset = load_dataset(folder, limit=args.limit)
    pages = [(page.load_text(), page.body) for page in dataset.pages if page.body]
    with _without_notice_removal():
        before = _run(pages)
    after = _run(pages)
    print(f"{len(pages)} pages of {args.dataset}, text mode; mean F1 (pages keeping the notice)")
    print("| notice | without drop_notices | with drop_notices |")
    print("|---|---|---|")
    for case, (f1, kept) in after.items():
        old_f1, old_kept = before[case]
        print(f"| {case} | {old_f1:.4f} ({old_kept}) | {f1:.4f} ({kept}) |")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

"""Metadata against fundus-dev's labels: title, publishing date and authors, boilerx's
:func:`~boilerx.pipeline.metadata.read_metadata` beside trafilatura's ``extract_metadata``.

    python -m benchmarks.metadata [--data ../shared/datasets/fundus-dev] [--misses boilerx]

Scores, each the mean over pages:

- title exact: the title equals the label after whitespace is normalised (NFC, runs of
  spaces as one, ends stripped);
- date same day: the date is the label's day; when both carry a time with a UTC offset, the
  predicted moment is taken to the label's offset first (the same moment, written elsewhere);
- authors F1: per page, the F1 of the sets of normalised names (case and accents folded,
  punctuation dropped); a page whose label lists nobody scores 1 when nobody is predicted.
"""

from __future__ import annotations

import argparse
import gzip
import json
import re
import time
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

import boilerx
from boilerx.pipeline.decode import decode
from boilerx.pipeline.metadata import read_metadata, read_text_metadata

DEFAULT_DATA = Path(__file__).resolve().parent.parent.parent / "shared/datasets/fundus-dev"
_SPACE = re.compile(r"\s+")


@dataclass
class Labelled:
    id: str
    url: str | None
    html: str
    title: str | None
    authors: list[str]
    date: str | None
    text: str | None = None  # the browser's text of the page, when the folder has it


@dataclass
class Guess:
    title: str | None
    authors: list[str]
    date: str | None


@dataclass
class Scores:
    title: list[float] = field(default_factory=list)
    date: list[float] = field(default_factory=list)
    authors: list[float] = field(default_factory=list)
    seconds: float = 0.0


def load(folder: Path) -> list[Labelled]:
    pages = []
    with (folder / "pages.jsonl").open(encoding="utf-8") as fh:
        for line in fh:
            if not line.strip():
                continue
            rec = json.loads(line)
            raw = (folder / rec["html"]).read_bytes()
            text_path = folder / "text" / f"{rec['id']}.txt"
            if rec["html"].endswith(".gz"):
                raw = gzip.decompress(raw)
            pages.append(
                Labelled(
                    id=str(rec["id"]),
                    url=rec.get("url"),
                    html=decode(raw),
                    title=rec.get("title"),
                    authors=list(rec.get("authors") or []),
                    date=rec.get("date"),
                    text=text_path.read_text(encoding="utf-8") if text_path.is_file() else None,
                )
            )
    return pages


def norm_text(text: str | None) -> str:
    return _SPACE.sub(" ", unicodedata.normalize("NFC", text or "")).strip()


def norm_name(name: str) -> str:
    folded = unicodedata.normalize("NFKD", name.casefold())
    return " ".join("".join(c if c.isalnum() else " " for c in folded).split())


def title_exact(guess: str | None, label: str | None) -> float:
    return float(bool(label) and norm_text(guess) == norm_text(label))


def _moment(value: str) -> datetime | None:
    try:
        return datetime.fromisoformat(value.strip().replace("Z", "+00:00"))
    except ValueError:
        return None


def same_day(guess: str | None, label: str | None) -> float:
    if not guess or not label:
        return float(not guess and not label)
    if guess[:10] == label[:10]:
        return 1.0
    g, l_ = _moment(guess), _moment(label)
    if g is not None and l_ is not None and g.tzinfo is not None and l_.tzinfo is not None:
        return float(g.astimezone(l_.tzinfo).date() == l_.date())
    return 0.0


def authors_f1(guess: list[str], label: list[str]) -> float:
    g = {norm_name(n) for n in guess if norm_name(n)}
    l_ = {norm_name(n) for n in label if norm_name(n)}
    if not g or not l_:
        return float(not g and not l_)
    hits = len(g & l_)
    if not hits:
        return 0.0
    precision, recall = hits / len(g), hits / len(l_)
    return 2 * precision * recall / (precision + recall)


def boilerx_guess(page: Labelled) -> Guess:
    meta = read_metadata(page.html, page.url)
    return Guess(meta.title, meta.authors, meta.date)


def boilerx_text_guess(page: Labelled) -> Guess:
    """From the scraped text alone, as ``extract(text, mode="text")`` reads it (the headline
    from the scored lines)."""
    doc = boilerx.extract(page.text or "", mode="text")
    return Guess(doc.title, doc.authors, doc.date)


def boilerx_text_unscored_guess(page: Labelled) -> Guess:
    """From the scraped text's lines alone, before any line is scored."""
    meta = read_text_metadata((page.text or "").splitlines())
    return Guess(meta.title, meta.authors, meta.date)


def trafilatura_guess(page: Labelled) -> Guess:
    from trafilatura import extract_metadata

    meta = extract_metadata(page.html, default_url=page.url)
    authors = [a.strip() for a in (meta.author or "").split(";") if a.strip()]
    return Guess(meta.title, authors, meta.date)


SYSTEMS: dict[str, Callable[[Labelled], Guess]] = {
    "boilerx": boilerx_guess,
    "trafilatura": trafilatura_guess,
    "boilerx-text": boilerx_text_guess,
    "text-unscored": boilerx_text_unscored_guess,
}


def score(
    pages: list[Labelled], system: Callable[[Labelled], Guess], misses: bool = False
) -> Scores:
    scores = Scores()
    for page in pages:
        start = time.perf_counter()
        guess = system(page)
        scores.seconds += time.perf_counter() - start
        t = title_exact(guess.title, page.title)
        d = same_day(guess.date, page.date)
        a = authors_f1(guess.authors, page.authors)
        scores.title.append(t)
        scores.date.append(d)
        scores.authors.append(a)
        if misses and (t < 1 or d < 1 or a < 1):
            print(f"-- {page.id}")
            if t < 1:
                print(f"   title  {guess.title!r}\n   label  {page.title!r}")
            if d < 1:
                print(f"   date   {guess.date!r}  label {page.date!r}")
            if a < 1:
                print(f"   author {guess.authors!r}  label {page.authors!r}")
    return scores


def _mean(values: list[float]) -> float:
    return sum(values) / len(values) if values else 0.0


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--data", type=Path, default=DEFAULT_DATA)
    parser.add_argument("--systems", nargs="+", default=list(SYSTEMS), choices=list(SYSTEMS))
    parser.add_argument(
        "--misses",
        nargs="*",
        default=[],
        choices=list(SYSTEMS),
        help="print the pages a system gets wrong",
    )
    args = parser.parse_args(argv)
    pages = load(args.data)
    rows = []
    for name in args.systems:
        try:
            s = score(pages, SYSTEMS[name], misses=name in args.misses)
        except ImportError as exc:
            print(f"{name}: not installed ({exc})")
            continue
        rows.append((name, s))
    print(f"\n{len(pages)} pages from {args.data}")
    print(
        f"{'system':<13} {'title exact':>11} {'date same day':>13} {'authors F1':>10} "
        f"{'ms/page':>8}"
    )
    for name, s in rows:
        print(
            f"{name:<13} {_mean(s.title):>11.3f} {_mean(s.date):>13.3f} "
            f"{_mean(s.authors):>10.3f} {1000 * s.seconds / max(len(pages), 1):>8.2f}"
        )


if __name__ == "__main__":
    main()

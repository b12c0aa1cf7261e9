"""Dataset readers: the shared layout, the article-extraction-benchmark's, trafilatura's.

Three layouts are auto-detected from the files in a folder:

- ``common``: ``pages.jsonl`` (id, url, html, body, title, with, without, type) with gzipped HTML
  and ``text/ID.txt`` browser renderings beside it (the layout of ``../shared/datasets``);
- ``aeb``: the article-extraction-benchmark's ``ground-truth.json`` (id -> ``{"articleBody"}``)
  with ``html/ID.html.gz``;
- ``trafilatura``: trafilatura's ``evaldata.json`` (file -> ``{"file", "with", "without"}``)
  with the HTML files beside it, or in a folder below it.
"""

from __future__ import annotations

import gzip
import json
import os
import re
from dataclasses import dataclass, field
from pathlib import Path

from boilerx.pipeline.decode import decode, undo_utf16_as_bytes

LAYOUT_FILES = {"common": "pages.jsonl", "aeb": "ground-truth.json", "trafilatura": "evaldata.json"}


@dataclass
class Page:
    """One benchmark page: where its HTML (and text rendering) is, and its labels."""

    id: str
    dataset: str
    url: str | None = None
    body: str | None = None
    title: str | None = None
    with_snippets: list[str] = field(default_factory=list)
    without_snippets: list[str] = field(default_factory=list)
    type: str | None = None
    html_path: Path | None = None
    html_data: bytes | None = None
    text_path: Path | None = None
    text_data: str | None = None

    def load_html(self) -> bytes:
        """The page's HTML bytes as captured (gunzipped when the file ends in ``.gz``)."""
        if self.html_data is not None:
            return self.html_data
        if self.html_path is None:
            return b""
        data = self.html_path.read_bytes()
        return gzip.decompress(data) if self.html_path.suffix == ".gz" else data

    def load_text(self, html: bytes | None = None) -> str:
        """The page as scraped text: its browser rendering, else text made from its HTML."""
        text = self.text_data
        if text is None and self.text_path is not None and self.text_path.is_file():
            text = self.text_path.read_text(encoding="utf-8", errors="replace")
        if text is not None and text.strip():
            return text
        return html_to_text(decode_html(self.load_html() if html is None else html))

    @property
    def has_snippets(self) -> bool:
        return bool(self.with_snippets or self.without_snippets)


@dataclass
class Dataset:
    """A named list of pages read from one folder (or built in)."""

    name: str
    layout: str
    path: str
    pages: list[Page]


def decode_html(raw: bytes | str) -> str:
    """Page bytes as text, decoded the way boilerx decodes them (BOM, declared charset,
    UTF-8, Windows-1252), so every system reads the same characters."""
    return raw if isinstance(raw, str) else decode(raw)


def html_to_text(html: str) -> str:
    """All text of an HTML page (html-text when installed, else lxml, else a tag regex)."""
    if not html.strip():
        return ""
    try:
        import html_text

        return html_text.extract_text(html)
    except ImportError:
        pass
    try:
        import lxml.html

        return lxml.html.fromstring(html).text_content()
    except Exception:  # noqa: BLE001 - last resort below
        return re.sub(r"<[^>]*>", " ", html)


def detect_layout(path: Path) -> str:
    """Which layout the folder ``path`` holds; :class:`ValueError` when none."""
    for layout, name in LAYOUT_FILES.items():
        if (path / name).is_file():
            return layout
    raise ValueError(f"{path}: no {', '.join(LAYOUT_FILES.values())} found")


def _read_common(folder: Path, name: str) -> list[Page]:
    pages = []
    with (folder / "pages.jsonl").open(encoding="utf-8") as fh:
        for line in fh:
            if not line.strip():
                continue
            rec = json.loads(line)
            pid = str(rec["id"])
            pages.append(
                Page(
                    id=pid,
                    dataset=name,
                    url=rec.get("url"),
                    body=undo_utf16_as_bytes(rec["body"]) if rec.get("body") else rec.get("body"),
                    title=rec.get("title"),
                    with_snippets=list(rec.get("with") or []),
                    without_snippets=list(rec.get("without") or []),
                    type=rec.get("type"),
                    html_path=folder / rec["html"],
                    text_path=folder / "text" / f"{pid}.txt",
                )
            )
    return pages


def _read_aeb(folder: Path, name: str) -> list[Page]:
    truth = json.loads((folder / "ground-truth.json").read_text(encoding="utf-8"))
    pages = []
    for pid, rec in truth.items():
        html_path = folder / "html" / f"{pid}.html.gz"
        if not html_path.is_file():
            html_path = folder / "html" / f"{pid}.html"
        pages.append(
            Page(
                id=str(pid),
                dataset=name,
                url=rec.get("url"),
                body=rec.get("articleBody") or "",
                title=rec.get("headline"),
                html_path=html_path,
            )
        )
    return pages


def _read_trafilatura(folder: Path, name: str) -> list[Page]:
    data = json.loads((folder / "evaldata.json").read_text(encoding="utf-8"))
    by_name: dict[str, Path] = {}
    for path in sorted(folder.rglob("*"), key=lambda p: len(p.parts)):
        if path.is_file():
            by_name.setdefault(path.name, path)
    pages = []
    for key, rec in data.items():
        fname = rec.get("file") or key
        html_path = folder / fname
        if not html_path.is_file():
            found = by_name.get(Path(fname).name) or by_name.get(Path(fname).name + ".gz")
            html_path = found if found is not None else html_path
        pages.append(
            Page(
                id=str(key),
                dataset=name,
                url=rec.get("url") or key,
                with_snippets=list(rec.get("with") or []),
                without_snippets=list(rec.get("without") or []),
                html_path=html_path,
            )
        )
    return pages


READERS = {"common": _read_common, "aeb": _read_aeb, "trafilatura": _read_trafilatura}


def load_dataset(
    path: str | Path, *, subset: str | None = None, limit: int | None = None
) -> Dataset:
    """Read the dataset at ``path`` (a folder, or its index file), sorted by page id.

    ``subset`` keeps pages of that type only; ``limit`` keeps the first N after that.
    """
    folder = Path(path)
    if folder.is_file():
        folder = folder.parent
    layout = detect_layout(folder)
    name = folder.resolve().name
    pages = sorted(READERS[layout](folder, name), key=lambda p: p.id)
    if subset:
        pages = [p for p in pages if p.type == subset]
    if limit is not None:
        pages = pages[:limit]
    return Dataset(name=name, layout=layout, path=str(folder), pages=pages)


def data_root() -> Path:
    """``$BOILERX_DATA``, else ``../shared/datasets`` next to the repository root."""
    env = os.environ.get("BOILERX_DATA")
    if env:
        return Path(env)
    return Path(__file__).resolve().parent.parent.parent / "shared" / "datasets"


def default_dataset_paths(root: Path | None = None) -> list[Path]:
    """Every folder under ``root`` (default :func:`data_root`) that holds a known layout."""
    root = data_root() if root is None else root
    if not root.is_dir():
        return []
    found = []
    for sub in sorted(root.iterdir()):
        try:
            detect_layout(sub)
        except (ValueError, OSError):
            continue
        found.append(sub)
    return found

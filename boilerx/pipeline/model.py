"""Stage 4: the line classifier and its shipped, checksummed model files.

A joblib file runs code when it is loaded, so a model file is loaded only after its SHA-256
matches the one recorded in ``models/MANIFEST.json``.
"""

from __future__ import annotations

import hashlib
import json
import os
import threading
from functools import lru_cache
from pathlib import Path
from typing import Any

MANIFEST = "MANIFEST.json"
MODEL_DIR_VARIABLE = "BOILERX_MODEL_DIR"


@lru_cache(maxsize=1)
def shipped_model_dir() -> Path:
    """The folder of the models shipped with boilerx: the ``boilerx.models`` package data of
    an installed wheel, or ``models/`` beside the package in a source checkout."""
    try:
        from importlib.resources import files

        shipped = Path(str(files("boilerx.models")))
        if (shipped / MANIFEST).is_file():
            return shipped
    except (ModuleNotFoundError, TypeError):  # a checkout on sys.path: no boilerx.models
        pass
    return Path(__file__).resolve().parents[2] / "models"


def model_dir() -> Path:
    """Where models are loaded from: ``$BOILERX_MODEL_DIR`` when set (a folder written by
    ``boilerx train --out DIR``, with its own manifest), else the shipped models."""
    chosen = os.environ.get(MODEL_DIR_VARIABLE)
    return _chosen_dir(chosen) if chosen else shipped_model_dir()


@lru_cache(maxsize=4)
def _chosen_dir(chosen: str) -> Path:
    """``Path(chosen)``, made once for each value of ``$BOILERX_MODEL_DIR`` (a page's model is
    looked up by it: a new Path costs more than the lookup)."""
    return Path(chosen)


class ModelIntegrityError(RuntimeError):
    """A model file is missing, or its SHA-256 differs from the recorded one: it is not loaded."""


def sha256_of(path: Path) -> str:
    """The hex SHA-256 of a file."""
    digest = hashlib.sha256()
    with open(path, "rb") as f:
        for block in iter(lambda: f.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def load_verified(path: Path, expected_sha256: str) -> Any:
    """``joblib.load`` the file at ``path`` only if its SHA-256 is ``expected_sha256``."""
    import joblib

    if not path.is_file():
        raise ModelIntegrityError(f"model file {path} is missing; retrain with boilerx train")
    actual = sha256_of(path)
    if actual != expected_sha256:
        raise ModelIntegrityError(
            f"refusing to load {path}: SHA-256 {actual} does not match "
            f"the recorded {expected_sha256}"
        )
    return joblib.load(path)


def write_manifest(directory: Path) -> dict:
    """Record the SHA-256 of every model file (``html.joblib``, ``text.joblib``) in
    ``directory``'s manifest, and return it."""
    files = {
        path.stem: {"file": path.name, "sha256": sha256_of(path)}
        for path in sorted(directory.glob("*.joblib"))
    }
    manifest = {"files": files}
    (directory / MANIFEST).write_text(json.dumps(manifest, indent=1, sort_keys=True) + "\n")
    return manifest


def read_manifest(directory: Path) -> dict[str, dict[str, str]]:
    """The ``files`` table of ``directory``'s manifest: model name → file name and SHA-256."""
    path = directory / MANIFEST
    if not path.is_file():
        raise ModelIntegrityError(
            f"no model manifest at {path}; set {MODEL_DIR_VARIABLE} to a folder written by "
            "boilerx train, or reinstall boilerx"
        )
    try:
        files = json.loads(path.read_text(encoding="utf-8"))["files"]
        for entry in files.values():
            if not (isinstance(entry["file"], str) and isinstance(entry["sha256"], str)):
                raise TypeError("file and sha256 must be strings")
    except (ValueError, KeyError, TypeError, AttributeError) as exc:
        raise ModelIntegrityError(f"malformed model manifest {path}: {exc!r}") from exc
    return files


_lock = threading.Lock()
_models: dict[tuple[Path, str], Any] = {}


def get_model(name: str) -> Any:
    """The model ``name`` ("html" or "text") from :func:`model_dir`, loaded once per process
    and folder, and shared by threads."""
    directory = model_dir()
    key = (directory, name)
    model = _models.get(key)
    if model is not None:
        return model
    with _lock:
        if key not in _models:
            entry = read_manifest(directory).get(name)
            if entry is None:
                raise ModelIntegrityError(
                    f"the manifest in {directory} lists no {name} model ({name}.joblib): "
                    f"retrain it with boilerx train --modes {name}"
                )
            _models[key] = load_verified(directory / entry["file"], entry["sha256"])
        return _models[key]

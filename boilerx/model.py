"""Stage 4: the line classifier and its shipped, checksummed model files.

A joblib file runs code when it is loaded, so a model file is loaded only after its SHA-256
matches the one recorded in ``models/MANIFEST.json``.
"""

from __future__ import annotations

import hashlib
import json
import os
import threading
from pathlib import Path
from typing import Any

MANIFEST = "MANIFEST.json"

MODEL_DIR = Path(
    os.environ.get("BOILERX_MODEL_DIR", Path(__file__).resolve().parent.parent / "models")
)


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
        raise ModelIntegrityError(
            f"model file {path} is missing; retrain with python -m boilerx.train"
        )
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


_lock = threading.Lock()
_models: dict[str, Any] = {}


def get_model(name: str) -> Any:
    """The model ``name`` ("html" or "text"), loaded once per process and shared by threads."""
    model = _models.get(name)
    if model is not None:
        return model
    with _lock:
        if name not in _models:
            manifest_path = MODEL_DIR / MANIFEST
            if not manifest_path.is_file():
                raise ModelIntegrityError(f"no model manifest at {manifest_path}")
            entry = json.loads(manifest_path.read_text())["files"][name]
            _models[name] = load_verified(MODEL_DIR / entry["file"], entry["sha256"])
        return _models[name]

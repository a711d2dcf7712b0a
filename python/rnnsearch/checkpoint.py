"""Checkpoints: manifest.json + model.safetensors (+ tokenizer files), as the TypeScript app reads
and writes them (docs/ARCHITECTURE.md, "Checkpoints"; src/model/checkpoint/manifest.ts and
src/model/bundle.ts).

`load_checkpoint` checks what the TypeScript loader checks before any weight is used: the
manifest's format, version, family and variant, the weights' byte length and SHA-256 against
the manifest, the safetensors structure, the dtype, and every tensor name and shape against
`param_specs` (a wrong name or shape is a CheckpointError naming it). `save_checkpoint` writes the
same files: the tensors in checkpoint order, F32 or F16, the manifest with weights.byteLength and
weights.sha256 filled in, and the tokenizer files of a subword model copied beside it.
"""

from __future__ import annotations

import copy
import hashlib
import json
import os
import re
from dataclasses import dataclass, field
from typing import Any, Dict, Optional

import torch

from .model import VARIANTS, Config, RNNSearch, param_specs
from .safetensors_io import CheckpointError, decode, encode

MANIFEST_FORMAT = "rnnsearch-checkpoint"
MANIFEST_VERSION = 1
WEIGHTS_FILE = "model.safetensors"
SIZE_FIELDS = ("embedding", "hidden", "alignment", "maxout")
SPECIALS = ("<pad>", "<s>", "</s>", "<unk>")
_FILE = re.compile(r"^[A-Za-z0-9_][A-Za-z0-9._-]{0,127}$")


@dataclass
class Checkpoint:
    manifest: Dict[str, Any]
    config: Config
    model: RNNSearch
    dtype: str
    #: files beside manifest.json other than the weights (tokenizer.json of a subword model), by name
    files: Dict[str, bytes] = field(default_factory=dict)


def sha256_hex(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def config_from_manifest(manifest: Dict[str, Any]) -> Config:
    """The configuration a manifest describes (configFromManifest in src/model/bundle.ts)."""
    if not isinstance(manifest, dict):
        raise CheckpointError("manifest", "manifest must be a JSON object")
    if manifest.get("format") != MANIFEST_FORMAT:
        raise CheckpointError("manifest", f'manifest.format must be "{MANIFEST_FORMAT}", got {manifest.get("format")!r}')
    if manifest.get("version") != MANIFEST_VERSION:
        raise CheckpointError("manifest", f"manifest.version must be {MANIFEST_VERSION}, got {manifest.get('version')!r}")
    family = manifest.get("family", "rnnsearch")
    if family != "rnnsearch":
        raise CheckpointError("manifest", f"manifest.family is {family!r}: the PyTorch twin implements RNNsearch only")
    variant = manifest.get("variant")
    if variant not in VARIANTS:
        raise CheckpointError("manifest", f"manifest.variant must be one of {', '.join(VARIANTS)}, got {variant!r}")
    sizes = manifest.get("sizes")
    if not isinstance(sizes, dict):
        raise CheckpointError("manifest", "manifest.sizes must be an object")
    for k in SIZE_FIELDS:
        v = sizes.get(k)
        if not isinstance(v, int) or isinstance(v, bool) or not 1 <= v <= 4096:
            raise CheckpointError("manifest", f"manifest.sizes.{k} must be a positive integer <= 4096, got {v!r}")
    vocab = manifest.get("vocab")
    if not isinstance(vocab, dict):
        raise CheckpointError("manifest", "manifest.vocab must be an object")
    for side in ("source", "target"):
        tokens = vocab.get(side)
        if not isinstance(tokens, list) or tuple(tokens[:4]) != SPECIALS or len(set(tokens)) != len(tokens):
            raise CheckpointError("manifest", f"manifest.vocab.{side} must be a list of distinct tokens starting with {', '.join(SPECIALS)}")
    ratio = (manifest.get("extras") or {}).get("lengthRatio")
    ratio = ratio if isinstance(ratio, (int, float)) and 0 < ratio < 20 else 1
    try:
        return Config(variant, *(sizes[k] for k in SIZE_FIELDS), len(vocab["source"]), len(vocab["target"]), float(ratio))
    except ValueError as err:
        raise CheckpointError("manifest", f"manifest: {err}") from None


def load_checkpoint(directory: str, dtype: torch.dtype = torch.float32) -> Checkpoint:
    """Read and verify a checkpoint folder; the model's parameters hold exactly the stored values."""
    with open(os.path.join(directory, "manifest.json"), encoding="utf-8") as f:
        manifest = json.load(f)
    config = config_from_manifest(manifest)
    w = manifest.get("weights")
    if not isinstance(w, dict) or not isinstance(w.get("file"), str) or not _FILE.match(w["file"]) or ".." in w["file"]:
        raise CheckpointError("manifest", "manifest.weights.file must be a plain file name beside manifest.json")
    with open(os.path.join(directory, w["file"]), "rb") as f:
        data = f.read()
    if len(data) != w.get("byteLength"):
        raise CheckpointError("byte-length", f"the weights file {w['file']!r} is {len(data)} bytes, but the manifest says {w.get('byteLength')} (truncated or from another checkpoint?)")
    sha = sha256_hex(data)
    if sha != w.get("sha256"):
        raise CheckpointError("sha256", f"the weights file {w['file']!r} has SHA-256 {sha}, but the manifest says {w.get('sha256')}: corrupt or from another checkpoint")
    tensors, _meta, stored = decode(data)
    if tensors and stored != w.get("dtype"):
        raise CheckpointError("dtype", f"the tensors are stored as {stored}, but the manifest says the weights are {w.get('dtype')}")
    expected = dict(param_specs(config))
    missing = [n for n in expected if n not in tensors]
    if missing:
        raise CheckpointError("missing-tensor", f"the weights lack {len(missing)} tensor(s) the {config.variant} model needs: {', '.join(missing[:5])}")
    unexpected = [n for n in tensors if n not in expected]
    if unexpected:
        raise CheckpointError("unexpected-tensor", f"the weights have tensor(s) the {config.variant} model does not know: {', '.join(unexpected[:5])} (a checkpoint for another variant?)")
    for name, shape in expected.items():
        if tuple(tensors[name].shape) != shape:
            raise CheckpointError("shape", f"tensor {name!r} has shape {list(tensors[name].shape)}, but the model expects {list(shape)}")
    model = RNNSearch(config).to(dtype)
    with torch.no_grad():
        for name, _ in param_specs(config):
            model.p(name).copy_(torch.from_numpy(tensors[name].copy()))
    files: Dict[str, bytes] = {}
    tok_files = (manifest.get("tokenizer") or {}).get("files") or {}
    for side in ("source", "target"):
        rec = tok_files.get(side)
        if rec is None:
            continue
        if not isinstance(rec, dict) or not isinstance(rec.get("file"), str) or not _FILE.match(rec["file"]):
            raise CheckpointError("manifest", f"manifest.tokenizer.files.{side} must name a file beside manifest.json")
        path = os.path.join(directory, rec["file"])
        if not os.path.exists(path):
            raise CheckpointError("manifest", f"the {side} tokenizer file {rec['file']!r} is missing (a subword model needs it beside manifest.json)")
        with open(path, "rb") as f:
            content = f.read()
        if sha256_hex(content) != rec.get("sha256"):
            raise CheckpointError("sha256", f"the {side} tokenizer file {rec['file']!r} does not match the SHA-256 in the manifest")
        files[rec["file"]] = content
    return Checkpoint(manifest, config, model, w["dtype"], files)


def weights_bytes(model: RNNSearch, dtype: str = "F32") -> bytes:
    """The safetensors bytes of a model's parameters, in checkpoint order."""
    return encode([(name, t.detach().to(torch.float32).cpu().numpy()) for name, t in model.named_checkpoint_tensors()], dtype)


def save_checkpoint(
    model: RNNSearch,
    directory: str,
    manifest: Dict[str, Any],
    dtype: str = "F32",
    files: Optional[Dict[str, bytes]] = None,
    training: Optional[Dict[str, Any]] = None,
) -> Dict[str, Any]:
    """Write manifest.json, model.safetensors and `files` into `directory`; returns the manifest.

    `manifest` is the base (id, task, vocab, tokenizer, training, ...; e.g. a loaded one); the
    variant, sizes and weights record are set from the model and the bytes written. `training`
    entries replace those of the base's training record.
    """
    cfg = model.cfg
    out = copy.deepcopy(manifest)
    out["format"], out["version"] = MANIFEST_FORMAT, MANIFEST_VERSION
    out.pop("family", None)
    out["variant"] = cfg.variant
    out["sizes"] = cfg.sizes
    vocab = out.get("vocab") or {}
    if len(vocab.get("source", [])) != cfg.src_vocab_size or len(vocab.get("target", [])) != cfg.tgt_vocab_size:
        raise CheckpointError("manifest", f"manifest.vocab must have {cfg.src_vocab_size}/{cfg.tgt_vocab_size} entries for this model")
    out.setdefault("extras", {})["lengthRatio"] = cfg.length_ratio
    if training:
        out.setdefault("training", {}).update(training)
    data = weights_bytes(model, dtype)
    out["weights"] = {"file": WEIGHTS_FILE, "byteLength": len(data), "sha256": sha256_hex(data), "dtype": dtype}
    os.makedirs(directory, exist_ok=True)
    with open(os.path.join(directory, WEIGHTS_FILE), "wb") as f:
        f.write(data)
    for name, content in (files or {}).items():
        if not _FILE.match(name) or name == "manifest.json":
            raise CheckpointError("manifest", f"{name!r} is not a plain file name beside manifest.json")
        with open(os.path.join(directory, name), "wb") as f:
            f.write(content)
    with open(os.path.join(directory, "manifest.json"), "w", encoding="utf-8") as f:
        f.write(json.dumps(out, indent=2, ensure_ascii=False) + "\n")
    return out


"""Checkpoints with the PyTorch twin: TS → PyTorch → TS is bit-exact (F32 and F16), the committed
PyTorch-written fixture is what the writer produces today, subword tokenizer files travel with
the weights, and a checkpoint with wrong names, shapes or bytes gives a clear CheckpointError."""

import hashlib
import json
import os
import shutil

import numpy as np
import pytest
import torch

from conftest import FIXTURES
from rnnsearch import CheckpointError, load_checkpoint, param_specs, save_checkpoint, weights_bytes
from rnnsearch.resave import main as resave
from rnnsearch.safetensors_io import decode, encode

VARIANT_DIRS = ["parity-none", "parity-diagonal", "parity-additive", "parity-dot", "parity-general", "parity-scaled-dot", "parity-additive-f16"]


def read(path):
    with open(path, "rb") as f:
        return f.read()


@pytest.mark.parametrize("model_id", VARIANT_DIRS)
def test_round_trip_is_bit_exact(tmp_path, model_id):
    """Load a TS checkpoint, write it again in its dtype: the safetensors bytes are identical,
    and every tensor equals the original byte for byte."""
    src = os.path.join(FIXTURES, model_id)
    ck = load_checkpoint(src)
    assert [n for n, _ in ck.model.named_checkpoint_tensors()] == [n for n, _ in param_specs(ck.config)]
    out = save_checkpoint(ck.model, str(tmp_path), ck.manifest, ck.dtype, ck.files)
    original = read(os.path.join(src, "model.safetensors"))
    written = read(tmp_path / "model.safetensors")
    assert written == original
    a, _, _ = decode(original)
    b, _, _ = decode(written)
    for name in a:
        assert a[name].tobytes() == b[name].tobytes(), name
    assert out["weights"]["sha256"] == hashlib.sha256(written).hexdigest()
    assert out["weights"]["byteLength"] == len(written)
    # the written manifest reads back as the same model
    again = load_checkpoint(str(tmp_path))
    assert again.config == ck.config
    for (n, p), (_, q) in zip(ck.model.named_checkpoint_tensors(), again.model.named_checkpoint_tensors()):
        assert torch.equal(p, q), n


def test_f32_to_f16_matches_the_typescript_rounding():
    """Writing F16 from the F16 fixture's values (widened to F32) gives the TS writer's bytes."""
    ck = load_checkpoint(os.path.join(FIXTURES, "parity-additive-f16"))
    assert weights_bytes(ck.model, "F16") == read(os.path.join(FIXTURES, "parity-additive-f16", "model.safetensors"))
    # and F32 values rounded by NumPy to F16 round to nearest even, like src/model/checkpoint/float16.ts
    x = np.array([1 + 2**-11, 1 + 3 * 2**-11, 65504, 2**-25, 3 * 2**-26], dtype=np.float32)
    got, _, _ = decode(encode([("x", x)], "F16"))
    assert got["x"].tolist() == [1.0, 1 + 4 * 2**-11, 65504.0, 0.0, 2**-24]


def test_committed_pytorch_fixture_is_what_the_writer_writes(tmp_path):
    """python/tests/fixtures/pytorch-additive (read by tests/model/pytorchCheckpoint.test.ts) is
    reproduced byte for byte by `python -m rnnsearch.resave`."""
    resave([os.path.join(FIXTURES, "parity-additive"), str(tmp_path), "--id", "pytorch-additive"])
    for name in ("manifest.json", "model.safetensors"):
        assert read(tmp_path / name) == read(os.path.join(FIXTURES, "pytorch-additive", name)), name
    assert read(tmp_path / "model.safetensors") == read(os.path.join(FIXTURES, "parity-additive", "model.safetensors"))


def test_tokenizer_files_travel_with_the_weights(tmp_path):
    """A subword checkpoint's tokenizer files are checked on load and written beside the copy."""
    src = tmp_path / "src"
    shutil.copytree(os.path.join(FIXTURES, "parity-additive"), src)
    manifest = json.loads((src / "manifest.json").read_text())
    records = {}
    for side in ("source", "target"):
        content = json.dumps({"side": side}).encode()
        name = f"tokenizer.{side}.json"
        (src / name).write_bytes(content)
        records[side] = {"file": name, "sha256": hashlib.sha256(content).hexdigest()}
    manifest["tokenizer"] = {"level": "bpe", "lowercase": False, "files": records}
    (src / "manifest.json").write_text(json.dumps(manifest))
    ck = load_checkpoint(str(src))
    assert sorted(ck.files) == ["tokenizer.source.json", "tokenizer.target.json"]
    dst = tmp_path / "dst"
    out = save_checkpoint(ck.model, str(dst), ck.manifest, "F32", ck.files)
    assert out["tokenizer"] == manifest["tokenizer"]
    for side in ("source", "target"):
        assert (dst / f"tokenizer.{side}.json").read_bytes() == (src / f"tokenizer.{side}.json").read_bytes()
    (src / "tokenizer.target.json").write_bytes(b"{}")
    with pytest.raises(CheckpointError, match="target tokenizer file"):
        load_checkpoint(str(src))


def _broken(tmp_path, tensors=None, manifest_edit=None, raw=None):
    """A copy of parity-additive with other tensors (consistent manifest) or edited bytes/manifest."""
    src = os.path.join(FIXTURES, "parity-additive")
    manifest = json.loads(read(os.path.join(src, "manifest.json")))
    data = read(os.path.join(src, "model.safetensors"))
    if tensors is not None:
        data = encode(tensors(decode(data)[0]), "F32")
    if raw is not None:
        data = raw(data)
    manifest["weights"]["byteLength"] = len(data)
    manifest["weights"]["sha256"] = hashlib.sha256(data).hexdigest()
    if manifest_edit:
        manifest_edit(manifest)
    (tmp_path / "model.safetensors").write_bytes(data)
    (tmp_path / "manifest.json").write_text(json.dumps(manifest))
    return str(tmp_path)


@pytest.mark.parametrize(
    "case, kwargs, code, message",
    [
        ("wrong shape", {"tensors": lambda t: [(n, a.T if n == "attention.Wa" else a) for n, a in t.items()]}, "shape", "'attention.Wa' has shape [4, 6], but the model expects [6, 4]"),
        ("missing tensor", {"tensors": lambda t: [(n, a) for n, a in t.items() if n != "output.bw"]}, "missing-tensor", "output.bw"),
        ("renamed tensor", {"tensors": lambda t: [("attention.Wq" if n == "attention.Wa" else n, a) for n, a in t.items()]}, "missing-tensor", "attention.Wa"),
        ("extra tensor", {"tensors": lambda t: list(t.items()) + [("attention.Wg", np.zeros((12, 6), np.float32))]}, "unexpected-tensor", "attention.Wg"),
        ("other variant", {"manifest_edit": lambda m: m.update(variant="dot")}, "unexpected-tensor", "attention.Ua"),
        ("unknown variant", {"manifest_edit": lambda m: m.update(variant="linear")}, "manifest", "manifest.variant"),
        ("bad size", {"manifest_edit": lambda m: m["sizes"].update(hidden=0)}, "manifest", "manifest.sizes.hidden"),
        ("corrupt bytes", {"manifest_edit": lambda m: m["weights"].update(sha256="0" * 64)}, "sha256", "SHA-256"),
        ("truncated", {"manifest_edit": lambda m: m["weights"].update(byteLength=m["weights"]["byteLength"] + 4)}, "byte-length", "truncated"),
        ("dtype mismatch", {"manifest_edit": lambda m: m["weights"].update(dtype="F16")}, "dtype", "manifest says"),
        ("gap in data", {"raw": lambda d: d + b"\0\0\0\0"}, "offsets", "cover only"),
        ("header too long", {"raw": lambda d: (10**9).to_bytes(8, "little") + d[8:]}, "header-size", "header length"),
    ],
)
def test_bad_checkpoints_give_clear_errors(tmp_path, case, kwargs, code, message):
    with pytest.raises(CheckpointError, match=None) as err:
        load_checkpoint(_broken(tmp_path, **kwargs))
    assert err.value.code == code, case
    assert message in str(err.value), f"{case}: {err.value}"


def test_writer_refuses_what_the_reader_would_refuse():
    with pytest.raises(CheckpointError, match="non-finite"):
        encode([("x", np.array([np.nan], np.float32))], "F32")
    with pytest.raises(CheckpointError, match="overflows float16"):
        encode([("x", np.array([70000], np.float32))], "F16")
    with pytest.raises(CheckpointError, match="twice"):
        encode([("x", np.zeros(1, np.float32)), ("x", np.zeros(1, np.float32))], "F32")

"""Parity: on the same checkpoint and inputs, the PyTorch twin computes what the TypeScript model
computed (python/tests/fixtures/reference.json): per step log-probabilities, scores e, weights α
and contexts c within 1e-4 (float32), the same greedy tokens, and the same training-forward
logits and loss on a padded batch."""

import os

import numpy as np
import pytest
import torch

from conftest import FIXTURES
from rnnsearch import load_checkpoint

TOL = 1e-4
# the variants and dtypes reference.json must cover (a fixture file missing one fails here)
EXPECTED = ["parity-none", "parity-diagonal", "parity-additive", "parity-dot", "parity-general", "parity-scaled-dot", "parity-additive-f16"]


def _by_id(reference):
    return {m["id"]: m for m in reference["models"]}


def test_reference_covers_every_variant(reference):
    assert sorted(_by_id(reference)) == sorted(EXPECTED)


def _max_diff(a, b) -> float:
    a = np.asarray(a, dtype=np.float64)
    b = np.asarray(b, dtype=np.float64)
    assert a.shape == b.shape, f"shapes differ: {a.shape} vs {b.shape}"
    return float(np.max(np.abs(a - b))) if a.size else 0.0


def compare_decoding(ref, got):
    """Max abs difference per quantity between a reference decoding and a PyTorch `Decoded`."""
    diffs = {"logProbs": 0.0, "scores": 0.0, "weights": 0.0, "context": 0.0}
    assert got.tokens == ref["tokens"], f"tokens differ: {got.tokens} vs {ref['tokens']}"
    assert got.finished == ref["finished"]
    for step, lp, e, a, c in zip(ref["steps"], got.log_probs, got.scores, got.weights, got.contexts):
        diffs["logProbs"] = max(diffs["logProbs"], _max_diff(step["logProbs"], lp.numpy()))
        for key, mine in (("scores", e), ("weights", a)):
            if step[key] is None:
                assert mine is None, f"{key}: expected none"
            else:
                diffs[key] = max(diffs[key], _max_diff(step[key], mine.numpy()))
        diffs["context"] = max(diffs["context"], _max_diff(step["context"], c.numpy()))
    return diffs


@pytest.mark.parametrize("model_id", EXPECTED)
def test_decoding_matches_typescript(reference, model_id):
    ref = _by_id(reference)[model_id]
    ck = load_checkpoint(os.path.join(FIXTURES, model_id))
    assert ck.config.variant == ref["variant"] and ck.dtype == ref["dtype"]
    worst = {}
    for sentence in ref["sentences"]:
        forced = ck.model.decode(sentence["source"], forced=sentence["target"])
        greedy = ck.model.decode(sentence["source"], max_length=ref["greedyMaxLength"])
        for mode, got in (("forced", forced), ("greedy", greedy)):
            for key, d in compare_decoding(sentence[mode], got).items():
                worst[key] = max(worst.get(key, 0.0), d)
    print(f"{model_id}: max abs diff " + ", ".join(f"{k} {v:.2e}" for k, v in worst.items()))
    for key, d in worst.items():
        assert d <= TOL, f"{model_id}: {key} differs by {d:.3g} (> {TOL})"


@pytest.mark.parametrize("model_id", EXPECTED)
def test_training_forward_matches_typescript(reference, model_id):
    ref = _by_id(reference)[model_id]
    b = ref["batch"]
    B, Tx, Ty = b["size"], b["srcLen"], b["tgtLen"]
    ck = load_checkpoint(os.path.join(FIXTURES, model_id))
    # the TypeScript batch is time-major [T, B]; the twin takes batch-major [B, T]
    src = torch.tensor(b["srcIds"]).reshape(Tx, B).T
    tgt_in = torch.tensor(b["tgtIn"]).reshape(Ty, B).T
    tgt_out = torch.tensor(b["tgtOut"]).reshape(Ty, B).T
    src_len, tgt_len = torch.tensor(b["srcLengths"]), torch.tensor(b["tgtLengths"])
    with torch.no_grad():
        log_probs = ck.model(src, src_len, tgt_in, tgt_len)  # [B, Ty, V]
        loss, tokens = ck.model.loss(src, src_len, tgt_in, tgt_out, tgt_len)
    logits = torch.tensor(b["logits"], dtype=torch.float64).reshape(Ty, B, -1).transpose(0, 1)
    ref_lp = torch.log_softmax(logits, -1)
    real = (tgt_out != 0).unsqueeze(-1)  # padded rows are not compared (the loss ignores them)
    diff = float(((log_probs.double() - ref_lp).abs() * real).max())
    print(f"{model_id}: training forward max abs diff log p {diff:.2e}, loss {abs(float(loss) - b['loss']):.2e}")
    assert diff <= TOL
    assert abs(float(loss) - b["loss"]) <= TOL
    assert tokens == sum(b["tgtLengths"])

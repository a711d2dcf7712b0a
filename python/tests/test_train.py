"""The PyTorch trainer: two processes (gloo on loopback) take the same steps as one process with
the same global batch; a run stopped and resumed ends where an uninterrupted run ends; what it
writes opens as a checkpoint (and, by the same writer, in the app: test_checkpoint.py)."""

import os
import random
import socket
import subprocess
import sys

import pytest
import torch

from rnnsearch import load_checkpoint

PYTHON_DIR = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
SIZES = ["--embedding", "6", "--hidden", "8", "--alignment", "5", "--maxout", "4"]


@pytest.fixture(scope="module")
def data(tmp_path_factory):
    """A tiny tokenised TSV: reverse a sentence of w-words into m-words."""
    rng = random.Random(3)
    path = tmp_path_factory.mktemp("data") / "pairs.tsv"
    lines = []
    for _ in range(64):
        src = [f"w{rng.randrange(12)}" for _ in range(rng.randint(1, 6))]
        lines.append(" ".join(src) + "\t" + " ".join(f"m{w[1:]}" for w in reversed(src)))
    path.write_text("\n".join(lines) + "\n")
    return str(path)


def run(args, env_extra=None, wait=True):
    env = dict(os.environ, PYTHONPATH=PYTHON_DIR, OMP_NUM_THREADS="1", **(env_extra or {}))
    cmd = [sys.executable, "-m", "rnnsearch.train", *args, "--threads", "1", "--dtype", "F32", "--quiet", "--device", "cpu"]
    proc = subprocess.Popen(cmd, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    if not wait:
        return proc
    out, _ = proc.communicate(timeout=120)
    assert proc.returncode == 0, out
    return out


def max_diff(a, b):
    return max(float((p - q).abs().max()) for (_, p), (_, q) in zip(a.model.named_checkpoint_tensors(), b.model.named_checkpoint_tensors()))


def test_two_processes_match_one(tmp_path, data):
    common = ["--data", data, "--steps", "4", "--batch", "8", "--seed", "5", *SIZES]
    run([*common, "--out", str(tmp_path / "one")])
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    procs = [
        run([*common, "--out", str(tmp_path / "two")], {"MASTER_ADDR": "127.0.0.1", "MASTER_PORT": str(port), "WORLD_SIZE": "2", "RANK": str(r), "LOCAL_RANK": str(r)}, wait=False)
        for r in range(2)
    ]
    for p in procs:
        out, _ = p.communicate(timeout=120)
        assert p.returncode == 0, out
    one, two = load_checkpoint(str(tmp_path / "one")), load_checkpoint(str(tmp_path / "two"))
    assert one.manifest["training"]["processes"] == 1 and two.manifest["training"]["processes"] == 2
    assert one.manifest["vocab"] == two.manifest["vocab"]
    diff = max_diff(one, two)
    print(f"one vs two processes after 4 steps: max abs weight difference {diff:.2e}")
    assert diff < 1e-5


def test_resume_continues_the_same_run(tmp_path, data):
    common = ["--data", data, "--steps", "4", "--batch", "8", "--seed", "2", "--variant", "scaled-dot", *SIZES]
    run([*common, "--out", str(tmp_path / "straight")])
    run([*common, "--out", str(tmp_path / "resumed"), "--stop-at", "2"])
    state = torch.load(str(tmp_path / "resumed" / "train_state.pt"))
    assert state["step"] == 2
    stopped = load_checkpoint(str(tmp_path / "resumed"))
    assert stopped.manifest["training"]["steps"] == 2
    run([*common, "--out", str(tmp_path / "resumed"), "--resume"])
    a, b = load_checkpoint(str(tmp_path / "straight")), load_checkpoint(str(tmp_path / "resumed"))
    assert a.manifest["training"]["steps"] == b.manifest["training"]["steps"] == 4
    assert max_diff(a, b) == 0.0
    # training moves the weights: the step-2 checkpoint differs from the step-4 one
    assert max_diff(a, stopped) > 1e-4


def test_dropout_is_recorded_and_changes_training_not_decoding(tmp_path, data):
    common = ["--data", data, "--steps", "3", "--batch", "8", "--seed", "4", *SIZES]
    run([*common, "--out", str(tmp_path / "plain")])
    run([*common, "--out", str(tmp_path / "dropped"), "--dropout", "0.3"])
    plain, dropped = load_checkpoint(str(tmp_path / "plain")), load_checkpoint(str(tmp_path / "dropped"))
    assert "dropout" not in plain.manifest["training"] and dropped.manifest["training"]["dropout"] == 0.3
    assert max_diff(plain, dropped) > 1e-6
    # decoding never drops, even with the rate set and the module in training mode
    model = dropped.model
    model.dropout = 0.5
    model.train()
    ids = [4, 5, 6, 2]
    assert model.decode(ids).tokens == model.decode(ids).tokens

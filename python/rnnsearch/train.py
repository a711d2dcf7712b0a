"""Train RNNsearch with PyTorch, on one process or many (DistributedDataParallel).

    python -m rnnsearch.train --data pairs.tok.tsv --out run/ [--variant additive] ...
    torchrun --nproc_per_node=N -m rnnsearch.train --data pairs.tok.tsv --out run/ ...

The data is a tokenised TSV (`npm run tokenize` writes it with the app's own tokenizer): one pair
a line, source and target tokens separated by single spaces. Vocabularies are built from it as
src/data/vocab.ts builds them (specials first, then by frequency, ties by code point). Batches
come from length buckets: each epoch the pairs are shuffled (seeded), sorted by length inside
windows of 100 batches, cut into global batches of --batch pairs and the batches shuffled; with
N processes each rank takes its contiguous 1/N of every global batch, so N processes see the
same pairs per step as one process does. The loss is the sum of the token losses over the
global batch divided by its token count (all-reduced), so gradients equal those of one process.

Adam, global-norm clipping at 1 (the paper), linear warm-up then cosine decay to 10 % of --lr.
On a GPU the forward runs under autocast (float16, with a gradient scaler) unless --no-amp.
Every --save-every steps and at the end rank 0 writes the app's checkpoint (manifest.json +
model.safetensors, which `npm run eval` and the page open) and train_state.pt (model, optimiser,
scaler, step, random states) that --resume continues from; resuming gives the run it would have
been. See README, "PyTorch twin".
"""

from __future__ import annotations

import argparse
import math
import os
import re
import shlex
import sys
import time
from datetime import datetime, timezone
from typing import Dict, List, Sequence, Tuple

import numpy as np
import torch
import torch.distributed as dist
from torch import nn

from .checkpoint import load_checkpoint, save_checkpoint
from .model import BOS_ID, EOS_ID, PAD_ID, UNK_ID, VARIANTS, Config, RNNSearch, param_specs

SPECIALS = ["<pad>", "<s>", "</s>", "<unk>"]
STATE_FILE = "train_state.pt"
WINDOW = 100


# ---- data ---------------------------------------------------------------------------------------


def read_pairs(path: str, max_length: int) -> List[Tuple[List[str], List[str]]]:
    pairs = []
    with open(path, encoding="utf-8") as f:
        for n, line in enumerate(f, 1):
            line = line.rstrip("\n").rstrip("\r")
            if not line:
                continue
            cols = line.split("\t")
            if len(cols) < 2:
                raise SystemExit(f"{path} line {n}: expected source<TAB>target")
            src, tgt = cols[0].split(), cols[1].split()
            if 0 < len(src) <= max_length and 0 < len(tgt) <= max_length:
                pairs.append((src, tgt))
    if not pairs:
        raise SystemExit(f"{path}: no usable pairs")
    return pairs


def build_vocab(sentences: Sequence[Sequence[str]], max_size: int) -> List[str]:
    """Specials, then tokens by count (descending), ties by code point: Vocab.build in src/data/vocab.ts."""
    counts: Dict[str, int] = {}
    for s in sentences:
        for t in s:
            counts[t] = counts.get(t, 0) + 1
    for sp in SPECIALS:
        counts.pop(sp, None)
    kept = sorted(counts.items(), key=lambda kv: (-kv[1], kv[0]))
    return SPECIALS + [t for t, _ in kept[: max(0, max_size - len(SPECIALS))]]


def encode(tokens: Sequence[str], index: Dict[str, int]) -> List[int]:
    return [index.get(t, UNK_ID) for t in tokens]


def epoch_batches(src_lens: np.ndarray, tgt_lens: np.ndarray, global_batch: int, seed: int, epoch: int) -> List[np.ndarray]:
    """The global batches of one epoch (length-bucketed, seeded; incomplete batches dropped)."""
    rng = np.random.default_rng([seed, epoch])
    order = rng.permutation(len(src_lens))
    batches = []
    span = WINDOW * global_batch
    for start in range(0, len(order), span):
        window = order[start : start + span]
        window = window[np.lexsort((tgt_lens[window], src_lens[window]))]
        for b in range(0, len(window) - global_batch + 1, global_batch):
            batches.append(window[b : b + global_batch])
    perm = rng.permutation(len(batches))
    return [batches[k] for k in perm]


def batch_at(step: int, src_lens, tgt_lens, global_batch: int, seed: int, cache: Dict[int, List[np.ndarray]]) -> np.ndarray:
    """The global batch of optimiser step `step` (0-based): epochs follow one another."""
    epoch = 0
    k = step
    while True:
        if epoch not in cache:
            cache.clear()
            cache[epoch] = epoch_batches(src_lens, tgt_lens, global_batch, seed, epoch)
        n = len(cache[epoch])
        if n == 0:
            raise SystemExit(f"fewer pairs than one global batch of {global_batch}")
        if k < n:
            return cache[epoch][k]
        k -= n
        epoch += 1


def collate(pairs: Sequence[Tuple[List[int], List[int]]]):
    """Batch-major tensors: src (ids + </s>, padded), its lengths, tgt_in (<s> + ids), tgt_out (ids + </s>), lengths."""
    B = len(pairs)
    Tx = max(len(s) for s, _ in pairs) + 1
    Ty = max(len(t) for _, t in pairs) + 1
    src = torch.full((B, Tx), PAD_ID, dtype=torch.long)
    tgt_in = torch.full((B, Ty), PAD_ID, dtype=torch.long)
    tgt_out = torch.full((B, Ty), PAD_ID, dtype=torch.long)
    src_len = torch.zeros(B, dtype=torch.long)
    tgt_len = torch.zeros(B, dtype=torch.long)
    for b, (s, t) in enumerate(pairs):
        src[b, : len(s)] = torch.tensor(s, dtype=torch.long)
        src[b, len(s)] = EOS_ID
        src_len[b] = len(s) + 1
        tgt_in[b, 0] = BOS_ID
        tgt_in[b, 1 : len(t) + 1] = torch.tensor(t, dtype=torch.long)
        tgt_out[b, : len(t)] = torch.tensor(t, dtype=torch.long)
        tgt_out[b, len(t)] = EOS_ID
        tgt_len[b] = len(t) + 1
    return src, src_len, tgt_in, tgt_out, tgt_len


# ---- model --------------------------------------------------------------------------------------


def init_params(model: RNNSearch, seed: int) -> None:
    """Fresh parameters as src/model/params.ts chooses them (not the same numbers): orthogonal
    recurrent matrices, Glorot-uniform other matrices, uniform(±0.1) embeddings, N(0, 0.1²) v_a,
    zero biases."""
    g = torch.Generator().manual_seed(seed)
    with torch.no_grad():
        for name, shape in param_specs(model.cfg):
            p = model.p(name)
            leaf = name.split(".")[-1]
            if name.endswith("embedding"):
                p.copy_(torch.rand(shape, generator=g) * 0.2 - 0.1)
            elif leaf == "va":
                p.copy_(torch.randn(shape, generator=g) * 0.1)
            elif len(shape) == 1:
                p.zero_()
            elif leaf in ("Uz", "Ur", "Uh"):
                q, r = torch.linalg.qr(torch.randn(shape, generator=g))
                p.copy_(q * torch.sign(torch.diagonal(r)))
            else:
                bound = math.sqrt(6 / (shape[0] + shape[1]))
                p.copy_(torch.rand(shape, generator=g) * 2 * bound - bound)


def lr_at(step: int, total: int, peak: float, warmup: int) -> float:
    if warmup > 0 and step < warmup:
        return peak * (step + 1) / warmup
    progress = (step - warmup) / max(1, total - warmup)
    return peak * (0.1 + 0.9 * 0.5 * (1 + math.cos(math.pi * min(1.0, progress))))


# ---- the run ------------------------------------------------------------------------------------


def parse_args(argv=None):
    ap = argparse.ArgumentParser(prog="python -m rnnsearch.train", description="Train RNNsearch with PyTorch (one or many processes).")
    ap.add_argument("--data", required=True, help="tokenised TSV (npm run tokenize)")
    ap.add_argument("--out", required=True, help="output folder: the app checkpoint and train_state.pt")
    ap.add_argument("--id", help="model id (default: the output folder name)")
    ap.add_argument("--task", default="custom", help="recorded as manifest.task")
    ap.add_argument("--variant", choices=VARIANTS, default="additive")
    ap.add_argument("--embedding", type=int, default=64)
    ap.add_argument("--hidden", type=int, default=128)
    ap.add_argument("--alignment", type=int, default=128)
    ap.add_argument("--maxout", type=int, default=128)
    ap.add_argument("--src-vocab", type=int, default=30000, help="largest source vocabulary, specials included")
    ap.add_argument("--tgt-vocab", type=int, default=30000, help="largest target vocabulary, specials included")
    ap.add_argument("--max-length", type=int, default=50, help="longest training sentence (tokens, either side)")
    ap.add_argument("--level", choices=["word", "char"], default="word", help="how the TSV was tokenised (recorded in the manifest)")
    ap.add_argument("--lowercase", action="store_true", help="the TSV was lower-cased (recorded in the manifest)")
    ap.add_argument("--init", help="start from this checkpoint's weights and vocabularies (same sizes and variant)")
    ap.add_argument("--steps", type=int, default=1000)
    ap.add_argument("--batch", type=int, default=32, help="global batch: pairs per optimiser step over all processes")
    ap.add_argument("--lr", type=float, default=1e-3)
    ap.add_argument("--warmup", type=int, help="warm-up steps (default: steps/20, at most 200)")
    ap.add_argument("--clip", type=float, default=1.0)
    ap.add_argument("--dropout", type=float, default=0.0, help="dropout on the embeddings and the maxout output in training (as npm run train --dropout)")
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--save-every", type=int, default=500, help="steps between checkpoints (0: only at the end)")
    ap.add_argument("--resume", action="store_true", help="continue from OUT/train_state.pt when it exists")
    ap.add_argument("--stop-at", type=int, default=0, help="stop after a checkpoint at this step (e.g. a job's time limit); --resume continues")
    ap.add_argument("--dtype", choices=["F16", "F32"], default="F16", help="weights precision of the app checkpoint")
    ap.add_argument("--device", choices=["auto", "cpu", "cuda"], default="auto")
    ap.add_argument("--no-amp", action="store_true", help="no mixed precision on the GPU")
    ap.add_argument("--threads", type=int, default=0, help="CPU threads per process (0: PyTorch's default)")
    ap.add_argument("--log-every", type=int, default=10)
    ap.add_argument("--quiet", action="store_true")
    return ap.parse_args(argv)


def main(argv=None) -> None:
    args = parse_args(argv)
    world = int(os.environ.get("WORLD_SIZE", "1"))
    rank = int(os.environ.get("RANK", "0"))
    local_rank = int(os.environ.get("LOCAL_RANK", "0"))
    use_cuda = args.device == "cuda" or (args.device == "auto" and torch.cuda.is_available())
    device = torch.device(f"cuda:{local_rank}" if use_cuda else "cpu")
    if use_cuda:
        torch.cuda.set_device(device)
    if args.threads > 0:
        torch.set_num_threads(args.threads)
    distributed = world > 1
    if distributed:
        dist.init_process_group(backend="nccl" if use_cuda else "gloo")
    if args.batch % world != 0:
        raise SystemExit(f"--batch {args.batch} must be a multiple of the {world} processes")
    amp = use_cuda and not args.no_amp
    log = (lambda msg: print(msg, flush=True)) if rank == 0 and not args.quiet else (lambda msg: None)

    # data and vocabularies (every rank reads the same file and builds the same vocabularies)
    pairs = read_pairs(args.data, args.max_length)
    base_manifest = None
    if args.init:
        init = load_checkpoint(args.init)
        src_tokens, tgt_tokens = init.manifest["vocab"]["source"], init.manifest["vocab"]["target"]
        base_manifest = init.manifest
    else:
        src_tokens = build_vocab([s for s, _ in pairs], args.src_vocab)
        tgt_tokens = build_vocab([t for _, t in pairs], args.tgt_vocab)
    src_index = {t: k for k, t in enumerate(src_tokens)}
    tgt_index = {t: k for k, t in enumerate(tgt_tokens)}
    data = [(encode(s, src_index), encode(t, tgt_index)) for s, t in pairs]
    src_lens = np.array([len(s) for s, _ in data])
    tgt_lens = np.array([len(t) for _, t in data])
    ratio = float(np.mean((tgt_lens + 1) / (src_lens + 1)))
    cfg = Config(args.variant, args.embedding, args.hidden, args.alignment, args.maxout, len(src_tokens), len(tgt_tokens), ratio)

    if not 0 <= args.dropout < 1:
        raise SystemExit("--dropout must be at least 0 and below 1")
    model = RNNSearch(cfg)
    model.dropout = args.dropout
    if args.init:
        if init.config.variant != cfg.variant or init.config.sizes != cfg.sizes:
            raise SystemExit(f"--init {args.init} is a {init.config.variant} model of sizes {init.config.sizes}; pass the same --variant and sizes")
        model.load_state_dict(init.model.state_dict())
    else:
        init_params(model, args.seed)
    model.to(device)
    optimizer = torch.optim.Adam(model.parameters(), lr=args.lr)
    scaler = torch.cuda.amp.GradScaler(enabled=amp)
    step = 0
    seconds_before = 0.0
    state_path = os.path.join(args.out, STATE_FILE)
    if args.resume and os.path.exists(state_path):
        state = torch.load(state_path, map_location=device)
        if state["vocab"] != {"source": src_tokens, "target": tgt_tokens} or state["config"] != cfg.__dict__:
            raise SystemExit(f"{state_path} is from another configuration or data set")
        model.load_state_dict(state["model"])
        optimizer.load_state_dict(state["optimizer"])
        scaler.load_state_dict(state["scaler"])
        step = state["step"]
        seconds_before = state["seconds"]
        log(f"resumed from {state_path} at step {step}")
    ddp = nn.parallel.DistributedDataParallel(model, device_ids=[local_rank] if use_cuda else None) if distributed else model
    n_params = sum(p.numel() for p in model.parameters())
    log(f"{cfg.variant}, {n_params:,} parameters, vocabularies {len(src_tokens)}/{len(tgt_tokens)}, {len(data)} pairs, {world} process(es) on {device.type}{', amp' if amp else ''}")

    warmup = args.warmup if args.warmup is not None else min(200, args.steps // 20)
    cache: Dict[int, List[np.ndarray]] = {}
    share = args.batch // world
    t0 = time.time()
    command = " ".join(["python -m rnnsearch.train"] + [shlex.quote(a) for a in (argv if argv is not None else sys.argv[1:])])
    if distributed:
        command = f"torchrun --nproc_per_node={world} -m rnnsearch.train " + command.split(" ", 3)[-1]

    def save(final: bool) -> None:
        if rank != 0:
            return
        os.makedirs(args.out, exist_ok=True)
        seconds = seconds_before + time.time() - t0
        manifest = {
            "format": "rnnsearch-checkpoint",
            "version": 1,
            "id": args.id or (re.sub(r"[^a-z0-9-]+", "-", os.path.basename(os.path.abspath(args.out)).lower()).strip("-")[:64] or "pytorch"),
            "task": args.task,
            "variant": cfg.variant,
            "sizes": cfg.sizes,
            "vocab": {"source": src_tokens, "target": tgt_tokens},
            "tokenizer": {"level": args.level, "lowercase": bool(args.lowercase)},
        }
        files = {}
        if base_manifest is not None:  # --init: keep the tokenizer (and its files) of the checkpoint
            manifest["tokenizer"] = base_manifest["tokenizer"]
            files = init.files
        training = {
            "command": command,
            "seconds": round(seconds),
            "steps": step,
            "seed": args.seed,
            "data": f"file {os.path.basename(args.data)} ({len(data)} pairs)",
            "date": datetime.now(timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ"),
            "batchSize": args.batch,
            "learningRate": args.lr,
            **({"dropout": args.dropout} if args.dropout > 0 else {}),
            "processes": world,
            "device": device.type,
            "amp": amp,
            "writer": "pytorch",
        }
        manifest["training"] = training
        model_cpu = RNNSearch(cfg)
        model_cpu.load_state_dict({k: v.detach().float().cpu() for k, v in model.state_dict().items()})
        save_checkpoint(model_cpu, args.out, manifest, args.dtype, files)
        tmp = state_path + ".tmp"
        torch.save(
            {"model": model.state_dict(), "optimizer": optimizer.state_dict(), "scaler": scaler.state_dict(), "step": step, "seconds": seconds, "config": cfg.__dict__, "vocab": {"source": src_tokens, "target": tgt_tokens}},
            tmp,
        )
        os.replace(tmp, state_path)
        log(f"{'wrote' if final else 'checkpoint'} {args.out} at step {step}")

    running = 0.0
    while step < args.steps:
        batch = batch_at(step, src_lens, tgt_lens, args.batch, args.seed, cache)
        mine = batch[rank * share : (rank + 1) * share]
        src, src_len, tgt_in, tgt_out, tgt_len = (x.to(device) for x in collate([data[k] for k in mine]))
        tokens = torch.tensor([float((tgt_out != PAD_ID).sum())], device=device)
        if distributed:
            dist.all_reduce(tokens)
        for group in optimizer.param_groups:
            group["lr"] = lr_at(step, args.steps, args.lr, warmup)
        optimizer.zero_grad(set_to_none=True)
        with torch.autocast(device_type="cuda", dtype=torch.float16, enabled=amp):
            log_probs = ddp(src, src_len, tgt_in, tgt_len)
        nll = nn.functional.nll_loss(log_probs.float().reshape(-1, cfg.tgt_vocab_size), tgt_out.reshape(-1), ignore_index=PAD_ID, reduction="sum")
        # DDP averages gradients over the processes: scale so that they sum the global batch's token losses / its tokens
        loss = nll * world / tokens[0]
        scaler.scale(loss).backward()
        scaler.unscale_(optimizer)
        norm = nn.utils.clip_grad_norm_(model.parameters(), args.clip)
        scaler.step(optimizer)
        scaler.update()
        step += 1
        value = loss.detach() / world
        if distributed:
            dist.all_reduce(value)
        running = float(value)
        if step % args.log_every == 0 or step == args.steps:
            log(f"step {step}/{args.steps}  loss {running:.4f}  grad norm {float(norm):.3f}  lr {lr_at(step - 1, args.steps, args.lr, warmup):.2e}")
        if args.stop_at > 0 and step == args.stop_at and step < args.steps:
            save(False)
            log(f"stopped at step {step}; --resume continues")
            break
        if args.save_every > 0 and step % args.save_every == 0 and step < args.steps:
            save(False)
    if step >= args.steps:
        save(True)
    if distributed:
        dist.barrier()
        dist.destroy_process_group()


if __name__ == "__main__":
    main()

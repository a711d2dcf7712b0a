"""RNNsearch (Bahdanau, Cho & Bengio 2014, appendix A) and its attention variants in PyTorch.

A twin of the TypeScript model: the same parameter names, shapes and layouts as
`paramSpecs` in src/model/config.ts (row-vector convention, y = x·W), and the same equations as
src/model/forward.ts (training, batched, padded) and src/model/inference.ts (one sentence:
greedy and forced decoding). See docs/ARCHITECTURE.md, "The model" and "PyTorch twin".

    annotations h_j = [→h_j ; ←h_j]            s_0 = tanh(←h_1·W_s + b_s)
    e_ij = score(s_{i−1}, h_j)                 α_ij = softmax_j(e_ij) (padding gets 0)
    c_i = Σ_j α_ij v_j                          (v_j = h_j, or h_j·W_v for scaled-dot)
    s_i = GRU(s_{i−1}, [E_y y_{i−1} ; c_i])
    t̃_i = s_{i−1}·U_o + E_y y_{i−1}·V_o + c_i·C_o + b_o ;  t_i = max(t̃[:L], t̃[L:])
    log p(y_i | y_<i, x) = log_softmax(t_i·W_o + b_w)

GRU (the paper's form): z = σ(x·W_z + h·U_z + b_z), r = σ(x·W_r + h·U_r + b_r),
h' = (1 − z)·h + z·tanh(x·W_h + (r ⊙ h)·U_h + b_h); the decoder adds c·C_z, c·C_r, c·C_h.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import Dict, List, Optional, Sequence, Tuple

import torch
from torch import Tensor, nn

PAD_ID, BOS_ID, EOS_ID, UNK_ID = 0, 1, 2, 3
VARIANTS = ("none", "diagonal", "additive", "dot", "general", "scaled-dot")
MAX_TARGET_TOKENS = 300


@dataclass
class Config:
    """An RNNsearch configuration (src/model/config.ts, RnnConfig)."""

    variant: str
    embedding: int
    hidden: int
    alignment: int
    maxout: int
    src_vocab_size: int
    tgt_vocab_size: int
    length_ratio: float = 1.0

    def __post_init__(self) -> None:
        if self.variant not in VARIANTS:
            raise ValueError(f"model config: unknown RNNsearch attention variant {self.variant!r} (one of {', '.join(VARIANTS)})")
        for k in ("embedding", "hidden", "alignment", "maxout"):
            v = getattr(self, k)
            if not isinstance(v, int) or not 1 <= v <= 4096:
                raise ValueError(f"model config: sizes.{k} must be an integer in 1..4096, got {v!r}")
        for k in ("src_vocab_size", "tgt_vocab_size"):
            v = getattr(self, k)
            if not isinstance(v, int) or v < 5:
                raise ValueError(f"model config: {k} must be an integer >= 5, got {v!r}")
        if not 0 < self.length_ratio < 20:
            raise ValueError(f"model config: lengthRatio must be in (0, 20), got {self.length_ratio}")

    @property
    def sizes(self) -> Dict[str, int]:
        return {"embedding": self.embedding, "hidden": self.hidden, "alignment": self.alignment, "maxout": self.maxout}


def param_specs(cfg: Config) -> List[Tuple[str, Tuple[int, ...]]]:
    """Every parameter (name, shape) in checkpoint order: `paramSpecs` of src/model/config.ts."""
    E, H, A, L = cfg.embedding, cfg.hidden, cfg.alignment, cfg.maxout
    H2 = 2 * H

    def gru(prefix: str, inp: int, ctx: Optional[int] = None):
        specs = [(f"{prefix}.W{g}", (inp, H)) for g in "zrh"]
        specs += [(f"{prefix}.U{g}", (H, H)) for g in "zrh"]
        if ctx is not None:
            specs += [(f"{prefix}.C{g}", (ctx, H)) for g in "zrh"]
        specs += [(f"{prefix}.b{g}", (H,)) for g in "zrh"]
        return specs

    specs = [("encoder.embedding", (cfg.src_vocab_size, E))]
    specs += gru("encoder.fwd", E) + gru("encoder.bwd", E)
    specs += [("decoder.init.Ws", (H, H)), ("decoder.init.bs", (H,)), ("decoder.embedding", (cfg.tgt_vocab_size, E))]
    specs += gru("decoder.gru", E, H2)
    if cfg.variant == "additive":
        specs += [("attention.Wa", (H, A)), ("attention.Ua", (H2, A)), ("attention.va", (A,))]
    elif cfg.variant == "general":
        specs += [("attention.Wg", (H2, H))]
    elif cfg.variant == "scaled-dot":
        specs += [("attention.Wq", (H, A)), ("attention.Wk", (H2, A)), ("attention.Wv", (H2, H2))]
    specs += [
        ("output.Uo", (H, 2 * L)),
        ("output.Vo", (E, 2 * L)),
        ("output.Co", (H2, 2 * L)),
        ("output.bo", (2 * L,)),
        ("output.Wo", (L, cfg.tgt_vocab_size)),
        ("output.bw", (cfg.tgt_vocab_size,)),
    ]
    return specs


def diagonal_position(i: int, tx: int, ty: int) -> int:
    """The diagonal variant's source position for step i (src/model/batch.ts, JS Math.round)."""
    if ty <= 1 or tx <= 1:
        return 0
    return min(tx - 1, math.floor(i * (tx - 1) / (ty - 1) + 0.5))


class _Group(nn.Module):
    """A module holding named parameters (one level of a dotted checkpoint name)."""

    def __init__(self, shapes: Dict[str, Tuple[int, ...]]):
        super().__init__()
        for name, shape in shapes.items():
            self.register_parameter(name, nn.Parameter(torch.zeros(shape)))


@dataclass
class StepOutput:
    log_probs: Tensor  # [B, V]
    scores: Optional[Tensor]  # e_i [B, Tx] (None for none / diagonal)
    weights: Optional[Tensor]  # α_i [B, Tx] (None for none)
    context: Tensor  # c_i [B, 2H]
    state: Tensor  # s_i [B, H]


@dataclass
class Encoded:
    annotations: Tensor  # [B, Tx, 2H]
    s0: Tensor  # [B, H]
    keys: Optional[Tensor]  # [B, Tx, K]
    values: Tensor  # [B, Tx, 2H]
    summary: Optional[Tensor]  # [B, 2H] (none only)
    mask: Tensor  # [B, Tx] bool, True on real tokens (</s> included)
    lengths: Tensor  # [B] source lengths with </s>


@dataclass
class Decoded:
    """One sentence's decoding: per step log-probs [V], e, α, c, and the chosen tokens."""

    tokens: List[int]
    log_probs: List[Tensor] = field(default_factory=list)
    scores: List[Optional[Tensor]] = field(default_factory=list)
    weights: List[Optional[Tensor]] = field(default_factory=list)
    contexts: List[Tensor] = field(default_factory=list)
    finished: bool = False


class RNNSearch(nn.Module):
    """RNNsearch with one of the six attention variants; `state_dict()` keys are the checkpoint names."""

    def __init__(self, cfg: Config):
        super().__init__()
        self.cfg = cfg
        # training only (forward/loss in train mode): the embeddings and the maxout output t_i, as
        # src/model/dropout.ts (PyTorch draws its own masks; decoding never drops)
        self.dropout = 0.0
        groups: Dict[str, Dict[str, Dict[str, Tuple[int, ...]]]] = {}
        top: Dict[str, Dict[str, Tuple[int, ...]]] = {}
        for name, shape in param_specs(cfg):
            parts = name.split(".")
            if len(parts) == 2:
                top.setdefault(parts[0], {})[parts[1]] = shape
            else:
                groups.setdefault(parts[0], {}).setdefault(parts[1], {})[parts[2]] = shape
        for outer in dict.fromkeys([n.split(".")[0] for n, _ in param_specs(cfg)]):
            module = _Group(top.get(outer, {}))
            for inner, shapes in groups.get(outer, {}).items():
                module.add_module(inner, _Group(shapes))
            self.add_module(outer, module)

    # ---- parameters -----------------------------------------------------------------------

    def p(self, name: str) -> Tensor:
        return self.get_parameter(name)

    def named_checkpoint_tensors(self) -> List[Tuple[str, Tensor]]:
        """The parameters in checkpoint (paramSpecs) order."""
        return [(name, self.p(name)) for name, _ in param_specs(self.cfg)]

    def _gru_weights(self, prefix: str):
        W = torch.cat([self.p(f"{prefix}.W{g}") for g in "zrh"], 1)
        b = torch.cat([self.p(f"{prefix}.b{g}") for g in "zrh"], 0)
        Uzr = torch.cat([self.p(f"{prefix}.Uz"), self.p(f"{prefix}.Ur")], 1)
        Uh = self.p(f"{prefix}.Uh")
        C = torch.cat([self.p(f"{prefix}.C{g}") for g in "zrh"], 1) if prefix == "decoder.gru" else None
        return W, b, Uzr, Uh, C

    @staticmethod
    def _gru_cell(x: Tensor, h: Tensor, Uzr: Tensor, Uh: Tensor) -> Tensor:
        """h' from input projections x = [x_z | x_r | x_h] (biases included)."""
        H = h.shape[-1]
        zr = torch.sigmoid(x[..., : 2 * H] + h @ Uzr)
        z, r = zr[..., :H], zr[..., H:]
        cand = torch.tanh(x[..., 2 * H :] + (r * h) @ Uh)
        return (1 - z) * h + z * cand

    # ---- encoder --------------------------------------------------------------------------

    def _drop(self, x: Tensor, drop: bool) -> Tensor:
        return nn.functional.dropout(x, self.dropout, True) if drop and self.dropout > 0 else x

    def encode(self, src: Tensor, lengths: Optional[Tensor] = None, drop: bool = False) -> Encoded:
        """src [B, Tx] ids ending in </s> (then padding); lengths [B] include </s>."""
        cfg = self.cfg
        H = cfg.hidden
        B, Tx = src.shape
        if lengths is None:
            lengths = torch.full((B,), Tx, dtype=torch.long)
        mask = torch.arange(Tx).unsqueeze(0) < lengths.unsqueeze(1)  # [B, Tx]
        emb = self._drop(self.p("encoder.embedding")[src], drop)  # [B, Tx, E]
        states = []
        for prefix, reverse in (("encoder.fwd", False), ("encoder.bwd", True)):
            W, b, Uzr, Uh, _ = self._gru_weights(prefix)
            xs = emb @ W + b  # [B, Tx, 3H]
            h = emb.new_zeros(B, H)
            out: List[Tensor] = [h] * Tx
            for k in range(Tx):
                t = Tx - 1 - k if reverse else k
                hn = self._gru_cell(xs[:, t], h, Uzr, Uh)
                m = mask[:, t : t + 1]
                h = torch.where(m, hn, h)  # a padded step keeps its state
                out[t] = h
            states.append(torch.stack(out, 1))
        fwd, bwd = states
        annotations = torch.cat([fwd, bwd], 2)
        s0 = torch.tanh(bwd[:, 0] @ self.p("decoder.init.Ws") + self.p("decoder.init.bs"))
        keys: Optional[Tensor] = None
        values = annotations
        v = cfg.variant
        if v == "additive":
            keys = annotations @ self.p("attention.Ua")
        elif v == "general":
            keys = annotations @ self.p("attention.Wg")
        elif v == "dot":
            keys = fwd + bwd
        elif v == "scaled-dot":
            keys = annotations @ self.p("attention.Wk")
            values = annotations @ self.p("attention.Wv")
        summary = torch.cat([fwd[:, Tx - 1], bwd[:, 0]], 1) if v == "none" else None
        return Encoded(annotations, s0, keys, values, summary, mask, lengths)

    # ---- one decoder step -------------------------------------------------------------------

    def step(self, enc: Encoded, s: Tensor, prev: Tensor, diag: Optional[Sequence[int]] = None, drop: bool = False) -> StepOutput:
        """From s = s_{i−1} [B, H] and previous tokens [B]; `diag` = per-row source positions (diagonal)."""
        cfg = self.cfg
        H, L = cfg.hidden, cfg.maxout
        v = cfg.variant
        scores: Optional[Tensor] = None
        weights: Optional[Tensor] = None
        if v == "none":
            context = enc.summary
        else:
            if v == "diagonal":
                if diag is None:
                    raise ValueError("the diagonal variant needs the source positions")
                weights = torch.zeros(s.shape[0], enc.mask.shape[1], dtype=s.dtype)
                weights[torch.arange(s.shape[0]), torch.as_tensor(list(diag), dtype=torch.long)] = 1
            else:
                k = enc.keys
                if v == "additive":
                    q = s @ self.p("attention.Wa")  # W_a s_{i−1}
                    scores = torch.tanh(q.unsqueeze(1) + k) @ self.p("attention.va")
                else:
                    q = s @ self.p("attention.Wq") if v == "scaled-dot" else s
                    scores = torch.bmm(k, q.unsqueeze(2)).squeeze(2)
                    if v == "scaled-dot":
                        scores = scores * (1 / math.sqrt(cfg.alignment))
                weights = torch.softmax(scores.masked_fill(~enc.mask, float("-inf")), -1)
            context = torch.bmm(weights.unsqueeze(1), enc.values).squeeze(1)  # c_i = Σ_j α_ij v_j
        emb = self._drop(self.p("decoder.embedding")[prev], drop)  # E_y y_{i−1}
        tt = s @ self.p("output.Uo") + emb @ self.p("output.Vo") + context @ self.p("output.Co") + self.p("output.bo")
        t = self._drop(torch.maximum(tt[:, :L], tt[:, L:]), drop)
        log_probs = torch.log_softmax(t @ self.p("output.Wo") + self.p("output.bw"), -1)
        W, b, Uzr, Uh, C = self._gru_weights("decoder.gru")
        state = self._gru_cell(emb @ W + b + context @ C, s, Uzr, Uh)
        return StepOutput(log_probs, scores, weights, context, state)

    # ---- training (src/model/forward.ts) -------------------------------------------------------

    def forward(self, src: Tensor, src_lengths: Tensor, tgt_in: Tensor, tgt_lengths: Tensor) -> Tensor:
        """Teacher-forced log-probs [B, Ty, V]; tgt_in starts with <s>, tgt_lengths include </s>."""
        drop = self.training
        enc = self.encode(src, src_lengths, drop)
        s = enc.s0
        out = []
        B, Ty = tgt_in.shape
        for i in range(Ty):
            diag = None
            if self.cfg.variant == "diagonal":
                diag = [diagonal_position(i, int(src_lengths[b]), int(tgt_lengths[b])) for b in range(B)]
            o = self.step(enc, s, tgt_in[:, i], diag, drop)
            out.append(o.log_probs)
            s = o.state
        return torch.stack(out, 1)

    def loss(self, src: Tensor, src_lengths: Tensor, tgt_in: Tensor, tgt_out: Tensor, tgt_lengths: Tensor) -> Tuple[Tensor, int]:
        """Mean cross-entropy per target token (padding ignored), and the number of tokens."""
        lp = self.forward(src, src_lengths, tgt_in, tgt_lengths)
        nll = torch.nn.functional.nll_loss(lp.reshape(-1, lp.shape[-1]), tgt_out.reshape(-1), ignore_index=PAD_ID, reduction="sum")
        tokens = int((tgt_out != PAD_ID).sum())
        return nll / max(tokens, 1), tokens

    # ---- one sentence (src/model/inference.ts) -------------------------------------------------

    @torch.no_grad()
    def decode(self, src_ids: Sequence[int], forced: Optional[Sequence[int]] = None, max_length: Optional[int] = None) -> Decoded:
        """Greedy decoding (forced=None) or forced decoding of target ids (</s> appended).

        src_ids end with </s>. Greedy stops at </s> or after max_length tokens (default
        min(300, 2·Tx + 10)); the diagonal variant spreads over round(lengthRatio·Tx) steps when
        greedy, over the forced length when forced, as src/model/inference.ts does.
        """
        src = torch.as_tensor([list(src_ids)], dtype=torch.long)
        Tx = src.shape[1]
        enc = self.encode(src)
        if forced is not None:
            target = list(forced) + [EOS_ID]
            steps, ty = len(target), len(target)
        else:
            target = None
            steps = min(max_length if max_length is not None else 2 * Tx + 10, MAX_TARGET_TOKENS)
            ty = max(1, math.floor(self.cfg.length_ratio * Tx + 0.5))
        out = Decoded(tokens=[])
        s = enc.s0
        prev = BOS_ID
        for i in range(steps):
            diag = [diagonal_position(i, Tx, ty)] if self.cfg.variant == "diagonal" else None
            o = self.step(enc, s, torch.as_tensor([prev]), diag)
            lp = o.log_probs[0]
            token = target[i] if target is not None else int(torch.argmax(lp))
            out.tokens.append(token)
            out.log_probs.append(lp)
            out.scores.append(None if o.scores is None else o.scores[0])
            out.weights.append(None if o.weights is None else o.weights[0])
            out.contexts.append(o.context[0])
            s = o.state
            prev = token
            if token == EOS_ID:
                out.finished = True
                break
        return out

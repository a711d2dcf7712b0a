// Fused ops whose composed form would be slow (dozens of nodes per time step) or would keep
// more than the backward needs: the GRU cell of Cho et al. (2014) as RNNsearch uses it, and the
// additive attention score vᵀ tanh(q + k) of Bahdanau et al. (2014).
//
// In float32 they use the fast rational tanh/sigmoid (within 3e-7: below float32 resolution; a
// training step evaluates ~2.5 million of them), exactly like the float32 inference engine, so
// training and inference compute the same function. Float64 (gradient checks) uses the exact
// library functions. Backward passes use the saved outputs (σ' = σ(1−σ), tanh' = 1 − tanh²).

import { accumulate, record } from '../autodiff';
import { gemm } from '../kernels/gemm';
import { ShapeError, Tensor, allocArray, sameShape, shapeToString, type FloatArray } from '../tensor';
import { fastTanh } from '../kernels/fastmath';
import { gruStep } from '../kernels/gru';

/**
 * One GRU step for a batch, in the paper's form (reset gate applied before the recurrent product):
 *
 *   z  = σ(x_z + h·U_z)            update gate
 *   r  = σ(x_r + h·U_r)            reset gate
 *   h̃  = tanh(x_h + (r ⊙ h)·U_h)    candidate
 *   h' = (1 − z) ⊙ h + z ⊙ h̃
 *
 * xProj [B, 3H] holds the input projections W·x + b laid out [z | r | h̃] (computed for all time
 * steps at once, outside the recurrence); h [B, H]; Uzr [H, 2H] = [U_z | U_r]; Uh [H, H].
 * `rowMask` (B entries, optional): a row with 0 is padding at this time step and keeps its
 * state, h' = h, so a padded batch gives every sentence the states it would have alone.
 */
export function gruCell(xProj: Tensor, h: Tensor, Uzr: Tensor, Uh: Tensor, rowMask?: Uint8Array): Tensor {
  const op = 'gruCell';
  if (h.rank !== 2) throw new ShapeError(`${op}: state must be [B, H], got ${shapeToString(h.shape)}`);
  const [B, H] = h.shape as [number, number];
  expectOperand(xProj, [B, 3 * H], 'input projection', h);
  expectOperand(Uzr, [H, 2 * H], 'Uzr', h);
  expectOperand(Uh, [H, H], 'Uh', h);
  if (rowMask && rowMask.length !== B) throw new ShapeError(`${op}: row mask has ${rowMask.length} entries for a batch of ${B}`);
  const dtype = h.dtype;
  const H2 = 2 * H;
  const hd = h.data;

  // the forward is the one GRU step kernel; it keeps z | r, r ⊙ h and h̃ for the backward
  const zr = allocArray(dtype, B * H2);
  const rh = allocArray(dtype, B * H);
  const cand = allocArray(dtype, B * H);
  const y = allocArray(dtype, B * H);
  gruStep(B, H, xProj.data, hd, Uzr.data, Uh.data, y, { zr, rh, hTilde: cand });
  if (rowMask) for (let bi = 0; bi < B; bi++) if (rowMask[bi] === 0) y.set(hd.subarray(bi * H, bi * H + H), bi * H);

  return record(new Tensor(y, [B, H]), op, [xProj, h, Uzr, Uh], (dy) => gruCellBackward(dy, { xProj, h, Uzr, Uh, rowMask, zr, rh, cand }));
}

/** A GRU operand's shape and dtype against the state's, with the message gruCell gives. */
function expectOperand(t: Tensor, shape: number[], what: string, h: Tensor): void {
  if (!sameShape(t.shape, shape)) {
    throw new ShapeError(`gruCell: ${what} must be ${shapeToString(shape)}, got ${shapeToString(t.shape)} (state ${shapeToString(h.shape)})`);
  }
  if (t.dtype !== h.dtype) throw new ShapeError(`gruCell: ${what} is ${t.dtype}, state is ${h.dtype}`);
}

/** What gruCell's backward reads: its operands and the activations its forward kept. */
interface GruSaved {
  xProj: Tensor;
  h: Tensor;
  Uzr: Tensor;
  Uh: Tensor;
  rowMask: Uint8Array | undefined;
  zr: FloatArray;
  rh: FloatArray;
  cand: FloatArray;
}

function gruCellBackward(dyIn: FloatArray, saved: GruSaved): void {
  const op = 'gruCell';
  const { xProj, h, Uzr, Uh, rowMask, zr, rh, cand } = saved;
  const [B, H] = h.shape as [number, number];
  const H2 = 2 * H;
  const H3 = 3 * H;
  const hd = h.data;
  const dtype = h.dtype;
  // a padded row passes its gradient straight to h and nothing to the gates
  let dy = dyIn;
  if (rowMask) {
    dy = dyIn.slice();
    for (let bi = 0; bi < B; bi++) if (rowMask[bi] === 0) dy.fill(0, bi * H, bi * H + H);
  }
  // dpre holds the gradients of the three pre-activations, laid out like xProj: [z | r | h̃]
  const dpre = allocArray(dtype, B * H3);
  const drh = allocArray(dtype, B * H);
  for (let bi = 0; bi < B; bi++) {
    for (let u = 0; u < H; u++) {
      const e = bi * H + u;
      const g = dy[e];
      const zv = zr[bi * H2 + u];
      const c = cand[e];
      // h' = (1−z)h + z h̃:  ∂h'/∂z = h̃ − h,  ∂h'/∂h̃ = z;  z = σ(·): σ' = z(1−z);  h̃ = tanh(·): 1 − h̃²
      dpre[bi * H3 + u] = g * (c - hd[e]) * zv * (1 - zv);
      dpre[bi * H3 + H2 + u] = g * zv * (1 - c * c);
    }
  }
  // through (r ⊙ h)·U_h
  gemm(false, true, B, H, H, dpre, H2, H3, Uh.data, 0, H, drh, 0, H, false);
  if (Uh.requiresGrad) gemm(true, false, H, H, B, rh, 0, H, dpre, H2, H3, Uh.gradBuffer(), 0, H, true);
  const dh: FloatArray | null = h.requiresGrad ? allocArray(dtype, B * H) : null;
  for (let bi = 0; bi < B; bi++) {
    for (let u = 0; u < H; u++) {
      const e = bi * H + u;
      const rv = zr[bi * H2 + H + u];
      // ∂(r⊙h)/∂r = h, r = σ(·)
      dpre[bi * H3 + H + u] = drh[e] * hd[e] * rv * (1 - rv);
      // direct paths into h: (1 − z) and through r ⊙ h
      if (dh) dh[e] = dy[e] * (1 - zr[bi * H2 + u]) + drh[e] * rv;
    }
  }
  // through h·[U_z | U_r]  (the first 2H columns of dpre)
  if (dh) gemm(false, true, B, H, H2, dpre, 0, H3, Uzr.data, 0, H2, dh, 0, H, true);
  if (Uzr.requiresGrad) gemm(true, false, H, H2, B, hd, 0, H, dpre, 0, H3, Uzr.gradBuffer(), 0, H2, true);
  if (dh && rowMask) {
    for (let bi = 0; bi < B; bi++) {
      if (rowMask[bi] !== 0) continue;
      for (let u = 0; u < H; u++) dh[bi * H + u] += dyIn[bi * H + u];
    }
  }
  if (dh) accumulate(h, dh, op);
  accumulate(xProj, dpre, op);
}

/**
 * Additive attention scores e[b, t] = Σ_a v[a] · tanh(q[b, a] + k[b, t, a]).
 * q [B, A] is the query term W_a s_{i−1}; k [B, T, A] the precomputed U_a h_j; v [A] is v_a.
 * Padding is not handled here: mask the scores in the softmax.
 */
export function additiveScore(q: Tensor, k: Tensor, v: Tensor): Tensor {
  const op = 'additiveScore';
  if (q.rank !== 2 || k.rank !== 3 || v.rank !== 1) {
    throw new ShapeError(`${op}: expected q [B, A], k [B, T, A], v [A], got ${shapeToString(q.shape)}, ${shapeToString(k.shape)}, ${shapeToString(v.shape)}`);
  }
  const [B, A] = q.shape as [number, number];
  const T = k.shape[1];
  if (k.shape[0] !== B || k.shape[2] !== A || v.shape[0] !== A) {
    throw new ShapeError(`${op}: shapes q ${shapeToString(q.shape)}, k ${shapeToString(k.shape)}, v ${shapeToString(v.shape)} do not agree`);
  }
  if (q.dtype !== k.dtype || q.dtype !== v.dtype) throw new ShapeError(`${op}: dtypes differ`);
  const dtype = q.dtype;
  const tanh = dtype === 'float32' ? fastTanh : Math.tanh;
  const qd = q.data;
  const kd = k.data;
  const vd = v.data;
  const th = allocArray(dtype, B * T * A);
  const y = allocArray(dtype, B * T);
  for (let b = 0; b < B; b++) {
    for (let t = 0; t < T; t++) {
      const base = (b * T + t) * A;
      let s = 0;
      for (let a = 0; a < A; a++) {
        const val = tanh(qd[b * A + a] + kd[base + a]);
        th[base + a] = val;
        s += vd[a] * val;
      }
      y[b * T + t] = s;
    }
  }
  return record(new Tensor(y, [B, T]), op, [q, k, v], (dy) => additiveScoreBackward(dy, q, k, v, th));
}

function additiveScoreBackward(dy: FloatArray, q: Tensor, k: Tensor, v: Tensor, th: FloatArray): void {
  const [B, A] = q.shape as [number, number];
  const T = k.shape[1] as number;
  const vd = v.data;
  // ∂e/∂v_a = tanh(·);  ∂e/∂q_a = ∂e/∂k_ta = v_a (1 − tanh²(·))
  const gq = q.requiresGrad ? q.gradBuffer() : null;
  const gk = k.requiresGrad ? k.gradBuffer() : null;
  const gv = v.requiresGrad ? v.gradBuffer() : null;
  for (let b = 0; b < B; b++) {
    for (let t = 0; t < T; t++) {
      const g = dy[b * T + t];
      if (g === 0) continue;
      const base = (b * T + t) * A;
      for (let a = 0; a < A; a++) {
        const tv = th[base + a];
        const d = g * vd[a] * (1 - tv * tv);
        if (gq) gq[b * A + a] += d;
        if (gk) gk[base + a] += d;
        if (gv) gv[a] += g * tv;
      }
    }
  }
}

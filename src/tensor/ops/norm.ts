// Layer normalisation (Ba, Kiros & Hinton 2016) over the last axis, as the Transformer uses it:
// y = γ ⊙ (x − μ) / √(σ² + ε) + β, with μ and σ² the mean and (biased) variance of each row.

import { accumulate, record } from '../autodiff';
import { ShapeError, Tensor, allocArray, shapeToString } from '../tensor';

/** Layer norm of x [..., D] with gain γ [D] and bias β [D]. */
export function layerNorm(x: Tensor, gamma: Tensor, beta: Tensor, eps = 1e-5): Tensor {
  const op = 'layerNorm';
  const D = x.shape[x.rank - 1];
  if (x.rank < 1 || gamma.rank !== 1 || beta.rank !== 1 || gamma.size !== D || beta.size !== D) {
    throw new ShapeError(`${op}: gain ${shapeToString(gamma.shape)} and bias ${shapeToString(beta.shape)} must both be [${D}] for input ${shapeToString(x.shape)}`);
  }
  if (x.dtype !== gamma.dtype || x.dtype !== beta.dtype) throw new ShapeError(`${op}: dtypes differ`);
  const rows = x.size / D;
  const xd = x.data;
  const g = gamma.data;
  const b = beta.data;
  const y = allocArray(x.dtype, x.size);
  // the normalised input x̂ and 1/σ per row, kept for the backward pass
  const xhat = new Float64Array(x.size);
  const inv = new Float64Array(rows);
  for (let r = 0; r < rows; r++) {
    const o = r * D;
    let mu = 0;
    for (let d = 0; d < D; d++) mu += xd[o + d];
    mu /= D;
    let v = 0;
    for (let d = 0; d < D; d++) {
      const c = xd[o + d] - mu;
      v += c * c;
    }
    const s = 1 / Math.sqrt(v / D + eps);
    inv[r] = s;
    for (let d = 0; d < D; d++) {
      const h = (xd[o + d] - mu) * s;
      xhat[o + d] = h;
      y[o + d] = g[d] * h + b[d];
    }
  }
  return record(new Tensor(y, x.shape), op, [x, gamma, beta], (dy) => {
    // dβ = Σ dy, dγ = Σ dy ⊙ x̂, dx = (1/σ)(ĝ − mean(ĝ) − x̂ · mean(ĝ ⊙ x̂)) with ĝ = dy ⊙ γ
    const dx = allocArray(x.dtype, x.size);
    const dg = allocArray(x.dtype, D);
    const db = allocArray(x.dtype, D);
    for (let r = 0; r < rows; r++) {
      const o = r * D;
      let m1 = 0;
      let m2 = 0;
      for (let d = 0; d < D; d++) {
        const gy = dy[o + d];
        const h = xhat[o + d];
        db[d] = db[d] + gy;
        dg[d] = dg[d] + gy * h;
        const gh = gy * g[d];
        m1 += gh;
        m2 += gh * h;
      }
      m1 /= D;
      m2 /= D;
      const s = inv[r];
      for (let d = 0; d < D; d++) {
        const gh = dy[o + d] * g[d];
        dx[o + d] = s * (gh - m1 - xhat[o + d] * m2);
      }
    }
    accumulate(x, dx, op);
    accumulate(gamma, dg, op);
    accumulate(beta, db, op);
  });
}

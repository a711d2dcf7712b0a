// Reverse-mode automatic differentiation.
//
// Each op computes its output and, when recording, attaches a backward closure that reads the
// output's gradient and adds into its inputs' gradients (`+=`, so a tensor used twice receives
// both contributions). `backward(loss)` orders the graph with an iterative depth-first walk (an
// unrolled seq2seq graph is thousands of nodes deep: recursion would overflow the stack) and runs
// the closures from the loss back to the leaves.
//
// Hot loops live in module-level functions. A backward closure is made afresh for every op of
// every step, and V8 (Node 20, Chromium) optimised each new closure of the same source again
// rather than reusing the code of the last one: in a page training on two workers, its optimising
// compiler took 2.6 s of the two cores in a 9.6 s run, and each new closure ran unoptimised until
// then. So a closure only gathers its arguments and calls a function defined once per module
// (e.g. `tanhGrad`, `gruCellBackward`), whose optimised code stays (docs/ARCHITECTURE.md,
// "Training on every core").

import { ShapeError, Tensor, shapeToString, type BackwardFn, type FloatArray } from './tensor';

let gradEnabled = true;

/** Whether ops currently record a graph. */
export function isGradEnabled(): boolean {
  return gradEnabled;
}

/** Run `fn` without recording anything: for inference, evaluation and optimiser updates. */
export function noGrad<T>(fn: () => T): T {
  const previous = gradEnabled;
  gradEnabled = false;
  try {
    return fn();
  } finally {
    gradEnabled = previous;
  }
}

/**
 * Attach a backward closure to `out` when recording and some input requires a gradient.
 * Returns `out` for chaining. Ops call this right after computing their forward value.
 */
export function record(out: Tensor, op: string, parents: readonly Tensor[], backwardFn: BackwardFn): Tensor {
  out.op = op;
  if (!gradEnabled) return out;
  let needs = false;
  for (const p of parents) if (p.requiresGrad) needs = true;
  if (!needs) return out;
  out.requiresGrad = true;
  out.parents = parents;
  out.backwardFn = backwardFn;
  return out;
}

/** Add `delta` into `t`'s gradient (allocating it); checks the length, naming the op. */
export function accumulate(t: Tensor, delta: FloatArray, op: string): void {
  if (!t.requiresGrad) return;
  if (delta.length !== t.size) {
    throw new ShapeError(`${op} backward: gradient has ${delta.length} elements, input ${shapeToString(t.shape)} has ${t.size}`);
  }
  const g = t.gradBuffer();
  for (let i = 0; i < g.length; i++) g[i] += delta[i];
}

/** The nodes reachable from `root` that require gradients, parents before children. */
export function topologicalOrder(root: Tensor): Tensor[] {
  const order: Tensor[] = [];
  const visited = new Set<number>();
  // Each stack entry is a node and the index of the next parent to visit.
  const stack: Array<[Tensor, number]> = [[root, 0]];
  visited.add(root.id);
  while (stack.length > 0) {
    const top = stack[stack.length - 1] as [Tensor, number];
    const [node, next] = top;
    if (next < node.parents.length) {
      top[1] = next + 1;
      const parent = node.parents[next] as Tensor;
      if (parent.requiresGrad && !visited.has(parent.id)) {
        visited.add(parent.id);
        stack.push([parent, 0]);
      }
    } else {
      stack.pop();
      order.push(node);
    }
  }
  return order;
}

export interface BackwardOptions {
  /** The gradient of the root; defaults to ones (the usual case: a scalar loss). */
  seed?: FloatArray;
  /** Keep intermediate gradients and the graph (tests); by default both are released. */
  retainGraph?: boolean;
}

/**
 * Backpropagate from `root`. Leaves (parameters, inputs with requiresGrad) accumulate into
 * `.grad`; intermediate gradients are freed as soon as they have been propagated.
 */
export function backward(root: Tensor, opts: BackwardOptions = {}): void {
  if (!root.requiresGrad) {
    throw new ShapeError(`backward: ${root.toString()} does not require a gradient (nothing to differentiate)`);
  }
  const order = topologicalOrder(root);
  const g = root.gradBuffer();
  if (opts.seed) {
    if (opts.seed.length !== root.size) {
      throw new ShapeError(`backward: seed has ${opts.seed.length} elements, root ${shapeToString(root.shape)} has ${root.size}`);
    }
    for (let i = 0; i < g.length; i++) g[i] += opts.seed[i];
  } else {
    for (let i = 0; i < g.length; i++) g[i] += 1;
  }
  for (let k = order.length - 1; k >= 0; k--) {
    const node = order[k] as Tensor;
    const fn = node.backwardFn;
    if (fn === null) continue;
    const dy = node.grad;
    if (dy !== null) fn(dy);
    if (!opts.retainGraph) {
      node.grad = null;
      node.backwardFn = null;
      node.parents = [];
    }
  }
}

// The beam's search tree (src/model/decoding.ts, `beamSearchTree`; docs/ARCHITECTURE.md, "Model
// families"): every returned hypothesis is a path of the tree, pruned candidates are marked and
// have no children, scores are cumulative log-probabilities that agree with the hypotheses'
// traces, and a branch's trace is what forced decoding of its prefix computes.

import { describe, expect, it } from 'vitest';
import { BOS_ID, EOS_ID } from '../../src/data/vocab';
import type { TransformerConfig } from '../../src/model/config';
import { beamNodeTokens, findBeamNode, type BeamTree, type BeamTreeNode, type BeamTreeResult } from '../../src/model/decoding';
import { createModel, type TranslationModel } from '../../src/model/family';
import { initParams } from '../../src/model/params';
import { makeModel, srcVocab, tgtVocab } from './fixtures';

function rnnsearch(seed: number): TranslationModel {
  const { config, params } = makeModel('additive', { dtype: 'float64', seed });
  return createModel(config, params, srcVocab, tgtVocab);
}

function transformer(seed: number): TranslationModel {
  const config: TransformerConfig = { family: 'transformer', variant: 'scaled-dot', sizes: { model: 8, heads: 2, layers: 1, ff: 12 }, srcVocabSize: srcVocab.size, tgtVocabSize: tgtVocab.size, lengthRatio: 1 };
  return createModel(config, initParams(config, seed, 'float64'), srcVocab, tgtVocab);
}

const node = (tree: BeamTree, id: number): BeamTreeNode => tree.nodes[id] as BeamTreeNode;

function children(tree: BeamTree, id: number): BeamTreeNode[] {
  return tree.nodes.filter((n) => n.parent === id);
}

/** The structural rules every tree obeys, checked node by node. */
function checkTree(r: BeamTreeResult, width: number): void {
  const { tree } = r;
  expect(tree.width).toBe(width);
  expect(node(tree, 0)).toMatchObject({ parent: -1, step: -1, token: BOS_ID, status: 'root', total: 0 });
  tree.nodes.forEach((n, id) => expect(n.id).toBe(id));
  for (const n of tree.nodes.slice(1)) {
    const parent = node(tree, n.parent);
    // a child is one step below its parent, and its score is the parent's plus the edge's
    expect(n.step).toBe(parent.step + 1);
    expect(n.total).toBeCloseTo(parent.total + n.logP, 12);
    expect(n.logP).toBeLessThanOrEqual(0);
    // only a kept hypothesis (or the root) is expanded
    expect(['root', 'kept']).toContain(parent.status);
    expect(n.piece).toBe(tgtVocab.token(n.token));
  }
  let finishedBefore = 0;
  for (let i = 0; i < tree.steps; i++) {
    const atStep = tree.nodes.filter((n) => n.step === i);
    const expanded = new Set(atStep.map((n) => n.parent));
    // each expanded hypothesis offers its `width` most probable next tokens, ranks 1..width
    for (const p of expanded) {
      const kids = atStep.filter((n) => n.parent === p);
      expect(kids.map((n) => n.rank).sort((a, b) => a - b)).toEqual(Array.from({ length: width }, (_, k) => k + 1));
      expect(new Set(kids.map((n) => n.token)).size).toBe(width);
    }
    // the cut: every survivor outscores every pruned candidate of the same step
    const survivors = atStep.filter((n) => n.status !== 'pruned');
    const pruned = atStep.filter((n) => n.status === 'pruned');
    expect(survivors.length).toBeGreaterThan(0);
    // the beam holds `width` hypotheses, finished ones included: the cut keeps what room is left
    expect(survivors.length).toBe(Math.min(atStep.length, width - finishedBefore));
    finishedBefore += atStep.filter((n) => n.status === 'finished').length;
    if (pruned.length > 0) expect(Math.min(...survivors.map((n) => n.total))).toBeGreaterThanOrEqual(Math.max(...pruned.map((n) => n.total)));
    for (const n of atStep) {
      if (n.status === 'finished') expect(n.token).toBe(EOS_ID);
      if (n.status === 'kept') expect(n.token).not.toBe(EOS_ID);
      // pruned and finished nodes are leaves; kept ones are expanded unless the search ended
      if (n.status === 'pruned' || n.status === 'finished') expect(children(tree, n.id)).toEqual([]);
      if (n.status === 'kept' && i < tree.steps - 1) expect(children(tree, n.id).length).toBe(width);
    }
    // stored step by step, best total first
    for (let k = 1; k < atStep.length; k++) expect((atStep[k - 1] as BeamTreeNode).total).toBeGreaterThanOrEqual((atStep[k] as BeamTreeNode).total);
  }
  // every returned hypothesis is a path of the tree, with its trace's tokens and log-probabilities
  expect(tree.ends.length).toBe(r.hypotheses.length);
  r.hypotheses.forEach((h, k) => {
    const end = node(tree, tree.ends[k] as number);
    expect(end.status).toBe(h.trace.finished ? 'finished' : 'kept');
    expect(end.hypothesis).toBe(k);
    expect(beamNodeTokens(tree, end.id)).toEqual(Array.from(h.trace.targetIds));
    expect(findBeamNode(tree, Array.from(h.trace.targetIds))).toBe(end.id);
    let total = 0;
    h.trace.steps.forEach((step, i) => {
      total += step.token.logProb;
      const at = findBeamNode(tree, Array.from(h.trace.targetIds.slice(0, i + 1)));
      expect(node(tree, at).logP).toBeCloseTo(step.token.logProb, 12);
      expect(node(tree, at).total).toBeCloseTo(total, 10);
      expect(node(tree, at).rank).toBe(step.token.rank);
      // marked with the best hypothesis through it
      expect(node(tree, at).hypothesis).toBeGreaterThanOrEqual(0);
      expect(node(tree, at).hypothesis).toBeLessThanOrEqual(k);
    });
    expect(end.total).toBeCloseTo(h.trace.logProb, 10);
    expect(h.score).toBeCloseTo(end.total / h.trace.steps.length, 10);
  });
  // a node outside every hypothesis' path says so
  const onPaths = new Set<number>();
  for (const e of tree.ends) for (let id = e; id >= 0; id = node(tree, id).parent) onPaths.add(id);
  for (const n of tree.nodes) expect(n.hypothesis >= 0).toBe(onPaths.has(n.id));
}

describe.each([
  ['RNNsearch', rnnsearch],
  ['Transformer', transformer],
] as const)('the beam search tree (%s)', (_name, make) => {
  const sentence = ['the', 'cat', 'sat', 'on', 'the', 'mat', '.'];

  for (const width of [2, 3, 4]) {
    it(`width ${width}: kept paths, pruned candidates and cumulative scores are consistent`, () => {
      for (const seed of [3, 11, 29]) {
        const m = make(seed);
        const enc = m.encodeTokens(sentence);
        const r = m.beamTree(enc, { width, maxLength: 12 });
        checkTree(r, width);
        // the tree records what plain beam search returns, unchanged
        const plain = m.beam(enc, { width, maxLength: 12 });
        expect(plain.map((h) => Array.from(h.trace.targetIds))).toEqual(r.hypotheses.map((h) => Array.from(h.trace.targetIds)));
        expect(r.tree.nodes.some((n) => n.status === 'pruned')).toBe(true);
      }
    });
  }

  it('width 1 is a chain: one kept node a step, the rest of nothing', () => {
    const m = make(5);
    const r = m.beamTree(m.encodeTokens(sentence), { width: 1, maxLength: 8 });
    expect(r.tree.nodes.length).toBe(r.tree.steps + 1);
    expect(r.tree.nodes.every((n) => n.status !== 'pruned')).toBe(true);
  });

  it("a pruned branch's trace is the forced decoding of its prefix, step by step", () => {
    const m = make(11);
    const enc = m.encodeTokens(sentence);
    const first = m.beamTree(enc, { width: 3, maxLength: 10 });
    const prunedDeep = first.tree.nodes.filter((n) => n.status === 'pruned' && n.step >= 2 && n.token !== EOS_ID);
    const target = prunedDeep[prunedDeep.length - 1];
    if (!target) throw new Error('no pruned node past step 2');
    const path = beamNodeTokens(first.tree, target.id);
    const r = m.beamTree(enc, { width: 3, maxLength: 10, branch: path });
    expect(r.branch?.node).toBe(target.id);
    const trace = r.branch?.trace;
    if (!trace) throw new Error('no branch trace');
    expect(Array.from(trace.targetIds)).toEqual(path);
    expect(trace.mode).toBe('beam');
    const forced = m.forced(enc, Int32Array.from(path));
    trace.steps.forEach((step, i) => {
      expect(step.token.logProb).toBeCloseTo(forced.steps[i]?.token.logProb as number, 10);
      expect(Array.from(step.weights ?? [])).toEqual(Array.from(forced.steps[i]?.weights ?? []));
    });
    expect(trace.logProb).toBeCloseTo(target.total, 10);
    // a node on a hypothesis' path is named, and that hypothesis' trace shows it: no second trace
    const onPath = m.beamTree(enc, { width: 3, maxLength: 10, branch: Array.from(first.hypotheses[0]?.trace.targetIds.slice(0, 2) ?? []) });
    expect(onPath.branch?.trace).toBeNull();
    expect(onPath.branch?.node).toBeGreaterThan(0);
    // a path the tree does not have names nothing
    expect(m.beamTree(enc, { width: 3, maxLength: 10, branch: [EOS_ID, EOS_ID] }).branch).toBeNull();
  });

  it('the tree is plain data: it survives a structured clone unchanged', () => {
    const m = make(3);
    const r = m.beamTree(m.encodeTokens(sentence), { width: 4, maxLength: 10 });
    expect(structuredClone(r.tree)).toEqual(r.tree);
  });
});

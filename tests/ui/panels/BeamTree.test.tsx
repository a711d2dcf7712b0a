// @vitest-environment jsdom
// The beam tree view (src/ui/panels/BeamTree.tsx) on a real (small, untrained) model in the store:
// every candidate drawn, pruned ones marked, a click shows that hypothesis or branch in the
// panels, the keyboard reaches every node, and "Force this branch" puts it into the target box.

import { act, fireEvent, render, screen, within } from '@testing-library/react';
import axe from 'axe-core';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { EOS_ID } from '../../../src/data/vocab';
import { beamNodeTokens, type BeamTree, type BeamTreeNode } from '../../../src/model/decoding';
import { useStore } from '../../../src/store/store';
import { BeamTreePanel } from '../../../src/ui/panels/BeamTree';
import { resetStore, setUp } from './helpers';

beforeEach(resetStore);
afterEach(resetStore);

function tree(): BeamTree {
  const t = useStore.getState().analysis?.beamTree;
  if (!t) throw new Error('no beam tree');
  return t;
}

async function beamMode(width = 3): Promise<void> {
  await setUp('additive');
  act(() => {
    useStore.getState().setBeamWidth(width);
    useStore.getState().setDecoding('beam');
  });
}

const nodeEl = (container: HTMLElement, id: number): Element => {
  const el = container.querySelector(`[data-node="${id}"]`);
  if (!el) throw new Error(`node ${id} is not drawn`);
  return el;
};

describe('BeamTreePanel', () => {
  it('shows nothing outside beam mode', async () => {
    await setUp('additive');
    const { container } = render(<BeamTreePanel />);
    expect(container.textContent).toBe('');
  });

  it('draws every candidate, pruned ones marked, and hides the pruned on request', async () => {
    await beamMode(3);
    const { container } = render(<BeamTreePanel />);
    const t = tree();
    const svg = screen.getByRole('group', { name: /Beam search tree: \d+ candidates over \d+ steps, beam width 3/ });
    const nodes = within(svg as unknown as HTMLElement).getAllByRole('button');
    expect(nodes).toHaveLength(t.nodes.length);
    const pruned = t.nodes.filter((n) => n.status === 'pruned');
    expect(pruned.length).toBeGreaterThan(0);
    expect(container.querySelectorAll('.bt-node.bt-pruned')).toHaveLength(pruned.length);
    // every node says what it is: its piece, its scores and its fate
    const p = pruned[0] as BeamTreeNode;
    expect(nodeEl(container, p.id).getAttribute('aria-label')).toMatch(new RegExp(`^Step ${p.step + 1}: ${p.piece}, log p .+, total .+, pruned$`));
    // each edge is labelled with its piece's log p
    expect(container.querySelectorAll('.bt-edge')).toHaveLength(t.nodes.length - 1);
    fireEvent.click(screen.getByRole('checkbox', { name: 'Show pruned candidates' }));
    expect(within(svg as unknown as HTMLElement).getAllByRole('button')).toHaveLength(t.nodes.length - pruned.length);
    // the best hypothesis is the one shown, its end badged #1
    expect(screen.getByTestId('beam-tree-shown').textContent).toContain('hypothesis 1, the best');
    expect(nodeEl(container, t.ends[0] as number).textContent).toContain('#1');
  });

  it('a click on a node of another hypothesis shows that hypothesis at the node’s step', async () => {
    await beamMode(3);
    const { container } = render(<BeamTreePanel />);
    const t = tree();
    const beams = useStore.getState().analysis?.beams ?? [];
    expect(beams.length).toBeGreaterThan(1);
    // a node only hypothesis 2 goes through
    const node = t.nodes.find((n) => n.hypothesis === 1 && n.step >= 0) as BeamTreeNode;
    fireEvent.click(nodeEl(container, node.id));
    const a = useStore.getState().analysis;
    expect(a?.beamPick).toEqual({ node: node.id, hypothesis: 1, step: node.step });
    expect(Array.from(a?.trace?.targetIds ?? [])).toEqual(Array.from(a?.beams?.[1]?.trace.targetIds ?? [-1]));
    expect(useStore.getState().step).toBe(node.step);
    expect(screen.getByTestId('beam-tree-shown').textContent).toContain(`hypothesis 2 at step ${node.step + 1}`);
    expect(nodeEl(container, node.id).getAttribute('aria-current')).toBe('true');
    // back to the best
    fireEvent.click(screen.getByRole('button', { name: 'Back to the best hypothesis' }));
    expect(useStore.getState().analysis?.beamPick).toBeNull();
    expect(useStore.getState().analysis?.trace).toBe(useStore.getState().analysis?.beams?.[0]?.trace);
  });

  it('a pruned node shows its own branch, and “Force this branch” makes it the target', async () => {
    await beamMode(3);
    const { container } = render(<BeamTreePanel />);
    const t = tree();
    // a pruned node whose branch is all words (an untrained model also offers <unk> and the like)
    const words = (n: BeamTreeNode): boolean => beamNodeTokens(t, n.id).every((id) => !/^</.test(t.nodes.find((m) => m.token === id)?.piece ?? '<'));
    const node = [...t.nodes].reverse().find((n) => n.status === 'pruned' && n.token !== EOS_ID && n.step >= 1 && words(n)) as BeamTreeNode;
    const path = beamNodeTokens(t, node.id);
    fireEvent.click(nodeEl(container, node.id));
    const a = useStore.getState().analysis;
    expect(a?.beamPick).toEqual({ node: node.id, hypothesis: null, step: node.step });
    expect(Array.from(a?.trace?.targetIds ?? [])).toEqual(path);
    // the step panels go to the branch's last step, the picked node
    expect(useStore.getState().step).toBe(node.step);
    expect(screen.getByTestId('beam-tree-shown').textContent).toMatch(/pruned branch that ends at step/);
    const model = useStore.getState().models[useStore.getState().modelId];
    const pieces = path.map((id) => model?.inference.tgtVocab.token(id) ?? '');
    fireEvent.click(screen.getByTestId('beam-tree-force'));
    const s = useStore.getState();
    expect(s.target).toBe(model?.codecs.target.detokenize(pieces));
    expect(s.analysis?.mode).toBe('forced');
    // the forced decoding follows exactly the branch, then </s>
    expect(s.analysis?.trace?.targetTokens).toEqual([...pieces, '</s>']);
    expect(s.analysis?.trace?.steps[node.step]?.token.logProb).toBeCloseTo(node.logP, 5);
  });

  it('the keyboard reaches the nodes: one tab stop, arrows move, Enter picks', async () => {
    await beamMode(2);
    const { container } = render(<BeamTreePanel />);
    const t = tree();
    const stops = container.querySelectorAll('.bt-node[tabindex="0"]');
    expect(stops).toHaveLength(1);
    // the tab stop is the end of the best hypothesis; Home, then ← walks to its parent
    const end = t.ends[0] as number;
    const start = nodeEl(container, end) as HTMLElement;
    expect(start.getAttribute('tabindex')).toBe('0');
    start.focus();
    fireEvent.keyDown(start, { key: 'ArrowLeft' });
    const parent = (t.nodes[end] as BeamTreeNode).parent;
    expect(document.activeElement).toBe(nodeEl(container, parent));
    fireEvent.keyDown(document.activeElement as Element, { key: 'ArrowDown' });
    const below = document.activeElement as Element;
    expect(below).not.toBe(nodeEl(container, parent));
    expect(below.getAttribute('tabindex')).toBe('0');
    const id = Number(below.getAttribute('data-node'));
    fireEvent.keyDown(below, { key: 'Enter' });
    expect(useStore.getState().analysis?.beamPick?.node).toBe(id);
  });

  it('a new sentence drops the pick: the best hypothesis is shown again', async () => {
    await beamMode(3);
    const { container } = render(<BeamTreePanel />);
    const node = tree().nodes.find((n) => n.hypothesis === 1) as BeamTreeNode;
    fireEvent.click(nodeEl(container, node.id));
    expect(useStore.getState().analysis?.beamPick?.hypothesis).toBe(1);
    act(() => useStore.getState().setSource('a dog ran .'));
    expect(useStore.getState().analysis?.beamPick).toBeNull();
    expect(useStore.getState().analysis?.trace).toBe(useStore.getState().analysis?.beams?.[0]?.trace);
  });

  it('passes axe (WCAG 2.1 A/AA rules jsdom can judge), a branch picked', async () => {
    await beamMode(2);
    const { container } = render(
      <main>
        <h1>RNNsearch</h1>
        <BeamTreePanel />
      </main>,
    );
    const pruned = tree().nodes.find((n) => n.status === 'pruned') as BeamTreeNode;
    fireEvent.click(nodeEl(container, pruned.id));
    const results = await axe.run(document.body, {
      runOnly: { type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa'] },
      rules: { 'color-contrast': { enabled: false } },
    });
    expect(results.violations.map((v) => `${v.id}: ${v.nodes.map((n) => n.target.join(' ')).join(', ')}`)).toEqual([]);
  });

  it('speaks Chinese', async () => {
    await beamMode(2);
    act(() => useStore.getState().setView({ lang: 'zh' }));
    render(<BeamTreePanel />);
    expect(screen.getByRole('heading', { name: '束搜索树' })).toBeTruthy();
    expect(screen.getByRole('checkbox', { name: '显示被剪枝的候选' })).toBeTruthy();
    expect(screen.getByRole('group', { name: /^束搜索树：/ })).toBeTruthy();
  });
});

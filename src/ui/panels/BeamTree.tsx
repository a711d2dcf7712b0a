// The beam as a tree (docs/ARCHITECTURE.md, "The beam as a tree"): every candidate the beam
// search considered, one column per step (beamTreeLayout.ts), kept ones solid, pruned ones dashed,
// finished hypotheses double-edged, each edge labelled with its piece's log p and drawn thicker
// the more probable it was. Picking a node (click, or the arrow keys and Enter) makes the
// explorer show that hypothesis — its heatmap and step panels — at the node's step; a node on no
// returned hypothesis' path shows its own branch, whose trace the analysis writes. "Force this
// branch" puts the branch into the target box as text that re-tokenises into the same pieces
// (src/model/beamBranch.ts). SVG drawn by React; d3-scale only computes (the edges' widths).

import { memo, useCallback, useMemo, useRef, useState, type KeyboardEvent } from 'react';
import { branchTarget } from '../../model/beamBranch';
import { beamNodeTokens, type BeamTree, type BeamTreeNode } from '../../model/decoding';
import type { Analysis } from '../../model/analysis';
import { useStore } from '../../store/store';
import { fmt } from '../format';
import { useAnalysis, useModel, useStep } from '../hooks';
import { useT } from '../i18n';
import { fmtLog, PanelSection, rich, Tok } from './common';
import { layoutBeamTree, moveFrom, pathIds, TREE_GEOMETRY, type PlacedNode } from './beamTreeLayout';
import './panels.css';

/** At most this many characters of a piece inside its box (the whole piece is in its label). */
const MAX_LABEL_CHARS = 9;

function shortLabel(piece: string): string {
  const chars = Array.from(piece);
  return chars.length <= MAX_LABEL_CHARS ? piece : `${chars.slice(0, MAX_LABEL_CHARS - 1).join('')}…`;
}

/** The node the panels show: the pick, else the end of the best hypothesis (or the root). */
function shownNode(analysis: Analysis, tree: BeamTree): number {
  return analysis.beamPick?.node ?? tree.ends[0] ?? 0;
}

/** The nodes of the path the panels show: the picked hypothesis' whole path, or the branch's. */
function shownPath(analysis: Analysis, tree: BeamTree): Set<number> {
  const pick = analysis.beamPick;
  const end = pick ? (pick.hypothesis !== null ? (tree.ends[pick.hypothesis] ?? pick.node) : pick.node) : (tree.ends[0] ?? 0);
  return new Set(pathIds(tree, end));
}

type T = ReturnType<typeof useT>;

function nodeLabel(t: T, n: BeamTreeNode): string {
  if (n.parent < 0) return t('bt.rootNode');
  const status =
    n.status === 'pruned' ? t('bt.status.pruned') : n.status === 'finished' ? t('bt.status.finished') : n.hypothesis < 0 ? t('bt.status.dead') : t('bt.status.kept');
  const label = t('bt.node', { step: n.step + 1, token: n.piece, logp: fmtLog(n.logP), total: fmtLog(n.total), status });
  return n.hypothesis >= 0 ? `${label}, ${t('bt.inHyp', { k: n.hypothesis + 1 })}` : label;
}

interface NodeProps {
  p: PlacedNode;
  label: string;
  /** Which hypothesis ends here (0-based), or −1. */
  endOf: number;
  onPath: boolean;
  picked: boolean;
  current: boolean;
  focusable: boolean;
  onPick: (id: number) => void;
  onKey: (id: number, e: KeyboardEvent<SVGGElement>) => void;
  refFor: (id: number, el: SVGGElement | null) => void;
}

/** One node: memoised, so that a pick re-renders the few nodes whose marks change. */
const TreeNode = memo(function TreeNode({ p, label, endOf, onPath, picked, current, focusable, onPick, onKey, refFor }: NodeProps) {
  const g = TREE_GEOMETRY;
  const n = p.node;
  const dead = n.status === 'kept' && n.hypothesis < 0;
  const cls = `bt-node bt-${n.status}${dead ? ' bt-dead' : ''}${onPath ? ' bt-on' : ''}${picked ? ' bt-picked' : ''}${current ? ' bt-current' : ''}`;
  return (
    <g
      ref={(el) => refFor(n.id, el)}
      className={cls}
      transform={`translate(${p.x},${p.y})`}
      role="button"
      tabIndex={focusable ? 0 : -1}
      aria-label={label}
      aria-current={picked ? 'true' : undefined}
      data-node={n.id}
      onClick={() => onPick(n.id)}
      onKeyDown={(e) => onKey(n.id, e)}
    >
      <title>{label}</title>
      <rect x={0} y={-g.boxHeight / 2} width={g.box} height={g.boxHeight} rx={4} />
      {n.status === 'finished' && <rect className="bt-inner" x={2.5} y={-g.boxHeight / 2 + 2.5} width={g.box - 5} height={g.boxHeight - 5} rx={3} />}
      <text x={6} y={0} dominantBaseline="central">
        {shortLabel(n.piece)}
      </text>
      {endOf >= 0 && (
        <text className="bt-badge" x={g.box + 4} y={0} dominantBaseline="central">
          #{endOf + 1}
        </text>
      )}
    </g>
  );
});

export function BeamTreePanel() {
  const t = useT();
  const analysis = useAnalysis();
  const model = useModel();
  const step = useStep();
  const pickBeamNode = useStore((s) => s.pickBeamNode);
  const setTarget = useStore((s) => s.setTarget);
  const [open, setOpen] = useState(true);
  const [showPruned, setShowPruned] = useState(true);
  const [focusId, setFocusId] = useState<number | null>(null);
  const refs = useRef(new Map<number, SVGGElement>());
  const tree = analysis?.beamTree ?? null;
  const layout = useMemo(() => (tree ? layoutBeamTree(tree, showPruned) : null), [tree, showPruned]);

  const onPick = useCallback(
    (id: number) => {
      if (!analysis || !tree) return;
      const n = tree.nodes[id];
      if (!n) return;
      setFocusId(id);
      // the root is the start of every hypothesis: back to the best one, at its first step
      if (n.parent < 0) {
        pickBeamNode(null, 0);
        return;
      }
      const path = beamNodeTokens(tree, id);
      const hyp = n.hypothesis >= 0 ? analysis.beams?.[n.hypothesis] : undefined;
      if (!hyp) {
        // a branch: its own trace ends at the node (the last step)
        pickBeamNode(path, null);
        return;
      }
      // the node's step in the units the panels show (a piece → the word it belongs to)
      const wordOf = analysis.units === 'words' ? hyp.trace.spans?.target.wordOf : undefined;
      pickBeamNode(path, wordOf ? (wordOf[n.step] ?? n.step) : n.step);
    },
    [analysis, tree, pickBeamNode],
  );

  const onKey = useCallback(
    (id: number, e: KeyboardEvent<SVGGElement>) => {
      if (!layout || !tree) return;
      if (e.key === 'Enter' || e.key === ' ') {
        e.preventDefault();
        onPick(id);
        return;
      }
      const next = moveFrom(layout, tree, id, e.key);
      if (next === id) return;
      e.preventDefault();
      setFocusId(next);
      refs.current.get(next)?.focus();
    },
    [layout, tree, onPick],
  );

  const refFor = useCallback((id: number, el: SVGGElement | null) => {
    if (el) refs.current.set(id, el);
    else refs.current.delete(id);
  }, []);

  if (!analysis || !tree || !layout || !analysis.beams) return null;

  const shown = shownNode(analysis, tree);
  const onPath = shownPath(analysis, tree);
  const pick = analysis.beamPick ?? null;
  // the heatmap's current step, as a node of the shown path (in pieces)
  const trace = analysis.trace;
  const pieceStep = analysis.units === 'words' ? (trace?.spans?.target.firstPiece[step] ?? step) : step;
  let currentNode = -1;
  for (const id of onPath) if (tree.nodes[id]?.step === pieceStep) currentNode = id;
  const endOf = new Map(tree.ends.map((id, k) => [id, k]));
  const tabStop = focusId !== null && layout.byId.has(focusId) ? focusId : layout.byId.has(shown) ? shown : 0;
  const pickedNode = pick ? tree.nodes[pick.node] : undefined;
  const forced = model && pickedNode ? branchTarget(model.codecs.target, tree, pickedNode.id) : null;

  return (
    <PanelSection
      title={t('bt.title')}
      className="bt"
      head={
        <button type="button" className="bt-toggle" aria-expanded={open} data-testid="beam-tree-toggle" onClick={() => setOpen(!open)}>
          {open ? t('bt.hide') : t('bt.show')}
        </button>
      }
    >
      <p className="note">{t('bt.help', { width: tree.width })}</p>
      {analysis.units === 'words' && <p className="note">{t('bt.pieces')}</p>}
      <p className="bt-shown" data-testid="beam-tree-shown">
        {!pick || !pickedNode
          ? t('bt.shownDefault')
          : pick.hypothesis !== null
            ? rich(t('bt.shownHyp', { k: pick.hypothesis + 1, step: pick.step + 1 }), { token: <Tok token={pickedNode.piece} /> })
            : rich(t('bt.shownBranch', { step: pick.step + 1, total: fmtLog(pickedNode.total) }), { token: <Tok token={pickedNode.piece} /> })}{' '}
        {pick && (
          <button type="button" onClick={() => pickBeamNode(null, 0)}>
            {t('bt.best')}
          </button>
        )}
      </p>
      <div className="bt-force">
        {!pickedNode ? (
          <p className="note">{t('bt.forceRoot')}</p>
        ) : forced ? (
          <>
            <button type="button" data-testid="beam-tree-force" onClick={() => setTarget(forced.text)}>
              {t('bt.force')}
            </button>{' '}
            <span className="note">
              {t('bt.forceHelp', { text: forced.text })}
              {forced.extended > 0 && ` ${t('bt.forceExtended', { k: (pickedNode.hypothesis >= 0 ? pickedNode.hypothesis : 0) + 1, n: forced.extended })}`}
            </span>
          </>
        ) : (
          <p className="note">{t('bt.forceNone')}</p>
        )}
      </div>
      {open && (
        <>
          <div className="bt-controls">
            <label>
              <input type="checkbox" checked={showPruned} onChange={(e) => setShowPruned(e.target.checked)} /> {t('bt.showPruned')}
            </label>
            <span className="bt-legend" aria-hidden="true">
              <span className="bt-key bt-key-kept">{t('bt.legend.kept')}</span>
              <span className="bt-key bt-key-pruned">{t('bt.legend.pruned')}</span>
              <span className="bt-key bt-key-finished">{t('bt.legend.finished')}</span>
              <span className="bt-key bt-key-on">{t('bt.legend.shown')}</span>
            </span>
          </div>
          <div className="bt-scroll" data-testid="beam-tree">
            <svg
              width={layout.width}
              height={layout.height}
              viewBox={`0 0 ${layout.width} ${layout.height}`}
              role="group"
              aria-label={t('bt.svgLabel', { nodes: tree.nodes.length - 1, steps: tree.steps, width: tree.width })}
            >
              <g className="bt-edges" aria-hidden="true">
                {layout.edges.map((e) => (
                  <g key={e.id} className={`bt-edge bt-${e.status}${onPath.has(e.id) ? ' bt-on' : ''}`}>
                    <line x1={e.x1} y1={e.y1} x2={e.x2} y2={e.y2} strokeWidth={e.stroke} />
                    <text x={e.x2 - 3} y={e.y2 - 4} textAnchor="end">
                      {fmt(tree.nodes[e.id]?.logP ?? 0, 2)}
                    </text>
                  </g>
                ))}
              </g>
              {layout.nodes.map((p) => (
                <TreeNode
                  key={p.node.id}
                  p={p}
                  label={nodeLabel(t, p.node)}
                  endOf={endOf.get(p.node.id) ?? -1}
                  onPath={onPath.has(p.node.id)}
                  picked={p.node.id === shown && pick !== null}
                  current={p.node.id === currentNode}
                  focusable={p.node.id === tabStop}
                  onPick={onPick}
                  onKey={onKey}
                  refFor={refFor}
                />
              ))}
            </svg>
          </div>
        </>
      )}
    </PanelSection>
  );
}

// Where the beam tree's nodes go (docs/ARCHITECTURE.md, "The beam as a tree"): one column per
// decoding step (the root, <s>, in column 0), and within a column the step's candidates in the
// order the search stored them, best cumulative score first, so that the survivors of each cut
// sit at the top and the pruned candidates below them. This is a trellis rather than a tidy
// tree: a tidy tree gives every pruned leaf a row of its own (≈ width² − width a step, 240 rows
// for beam 4 over 20 steps), the trellis needs width² rows at most, and the row of a node says
// how it ranked at its step. Pure (no React, no DOM): the view and the tests share it, and
// d3-scale maps an edge's probability to its stroke width.

import { scaleLinear } from 'd3-scale';
import type { BeamTree, BeamTreeNode } from '../../model/decoding';

export const TREE_GEOMETRY = {
  /** Width of a node's box, and of the whole column (box + the edge into the next column). */
  box: 72,
  column: 128,
  row: 26,
  boxHeight: 20,
  margin: 8,
};

export interface PlacedNode {
  node: BeamTreeNode;
  column: number;
  row: number;
  /** The box's left edge and vertical centre. */
  x: number;
  y: number;
}

export interface PlacedEdge {
  /** The child's id (an edge is named by the node it leads to). */
  id: number;
  x1: number;
  y1: number;
  x2: number;
  y2: number;
  /** exp(step log-prob). */
  prob: number;
  /** Stroke width from the probability (d3-scale). */
  stroke: number;
  status: BeamTreeNode['status'];
}

export interface TreeLayout {
  width: number;
  height: number;
  nodes: PlacedNode[];
  edges: PlacedEdge[];
  /** Placed nodes by node id (absent: hidden, i.e. pruned with pruned candidates hidden). */
  byId: Map<number, PlacedNode>;
  /** The ids of each column, top to bottom (for keyboard moves). */
  columns: number[][];
}

const strokeOf = scaleLinear().domain([0, 1]).range([0.75, 3.5]).clamp(true);

/** Lay the tree out; with `showPruned` false the pruned candidates are left out (and their rows). */
export function layoutBeamTree(tree: BeamTree, showPruned: boolean): TreeLayout {
  const g = TREE_GEOMETRY;
  const columns: number[][] = Array.from({ length: tree.steps + 1 }, () => []);
  for (const n of tree.nodes) {
    if (!showPruned && n.status === 'pruned') continue;
    columns[n.step + 1]?.push(n.id);
  }
  const nodes: PlacedNode[] = [];
  const byId = new Map<number, PlacedNode>();
  columns.forEach((ids, column) => {
    ids.forEach((id, row) => {
      const node = tree.nodes[id] as BeamTreeNode;
      const placed = { node, column, row, x: g.margin + column * g.column, y: g.margin + row * g.row + g.row / 2 };
      nodes.push(placed);
      byId.set(id, placed);
    });
  });
  const edges: PlacedEdge[] = [];
  for (const p of nodes) {
    const parent = byId.get(p.node.parent);
    if (!parent) continue;
    const prob = Math.exp(p.node.logP);
    edges.push({ id: p.node.id, x1: parent.x + g.box, y1: parent.y, x2: p.x, y2: p.y, prob, stroke: strokeOf(prob), status: p.node.status });
  }
  const rows = Math.max(1, ...columns.map((c) => c.length));
  return { width: 2 * g.margin + (columns.length - 1) * g.column + g.box, height: 2 * g.margin + rows * g.row, nodes, edges, byId, columns };
}

/** The ids from the root to `id`, root first. */
export function pathIds(tree: BeamTree, id: number): number[] {
  const out: number[] = [];
  for (let n: BeamTreeNode | undefined = tree.nodes[id]; n; n = n.parent >= 0 ? tree.nodes[n.parent] : undefined) out.push(n.id);
  return out.reverse();
}

/**
 * Where an arrow key moves the keyboard focus from node `id`: left to the parent, right to the
 * best shown child, up and down within the column; Home and End to the column's first and last.
 * Returns `id` when there is nowhere to go.
 */
export function moveFrom(layout: TreeLayout, tree: BeamTree, id: number, key: string): number {
  const here = layout.byId.get(id);
  if (!here) return id;
  const column = layout.columns[here.column] ?? [];
  switch (key) {
    case 'ArrowLeft':
      return here.node.parent >= 0 ? here.node.parent : id;
    case 'ArrowRight': {
      const next = layout.columns[here.column + 1] ?? [];
      const child = next.find((c) => tree.nodes[c]?.parent === id);
      return child ?? id;
    }
    case 'ArrowUp':
      return column[Math.max(0, here.row - 1)] ?? id;
    case 'ArrowDown':
      return column[Math.min(column.length - 1, here.row + 1)] ?? id;
    case 'Home':
      return column[0] ?? id;
    case 'End':
      return column[column.length - 1] ?? id;
    default:
      return id;
  }
}

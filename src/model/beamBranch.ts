// "What if it had chosen this word?": the target text that forces a branch of the beam's search
// tree (docs/ARCHITECTURE.md, "The beam as a tree"). Forcing goes through the target box, so the
// branch must be written as text that the model's codec tokenises back into exactly the
// branch's pieces; otherwise the forced decoding would follow another path than the one picked.
//
// With subword pieces that is not automatic. A prefix that ends inside a word ("▁trav" of
// "▁trav ail") detokenises to "trav", which BPE splits on its own terms ("▁tr av"): the pieces
// of a word depend on the whole word. So the prefix is tried as it is, then, when it does not
// round-trip, completed along the best hypothesis through the node, one piece at a time, until it
// does (typically at the end of the word). A branch that ends inside a word with no hypothesis to
// complete it (a pruned piece), or that contains a piece no text gives back (`<unk>`), cannot be
// written as text, and the page says so instead of forcing something else.

import type { TextCodec } from '../data/codec';
import { EOS_ID } from '../data/vocab';
import type { BeamTree } from './decoding';

export interface BranchTarget {
  /** The text for the target box. */
  text: string;
  /** The pieces it tokenises into (the branch's, and any added to complete a word). */
  pieces: string[];
  /** How many pieces past the picked node were added to complete its word (0: none). */
  extended: number;
}

function samePieces(a: readonly string[], b: readonly string[]): boolean {
  return a.length === b.length && a.every((x, k) => x === b[k]);
}

/** The pieces from the first step to node `id`, then on along hypothesis `h`'s path (</s> left out: forcing adds it). */
function branchPieces(tree: BeamTree, id: number): { upTo: string[]; after: string[] } {
  const upTo: string[] = [];
  for (let n = tree.nodes[id]; n && n.parent >= 0; n = tree.nodes[n.parent]) if (n.token !== EOS_ID) upTo.push(n.piece);
  upTo.reverse();
  const after: string[] = [];
  const node = tree.nodes[id];
  const end = node && node.hypothesis >= 0 ? tree.ends[node.hypothesis] : undefined;
  if (end !== undefined && end !== id) {
    for (let n = tree.nodes[end]; n && n.id !== id && n.parent >= 0; n = tree.nodes[n.parent]) if (n.token !== EOS_ID) after.push(n.piece);
    after.reverse();
  }
  return { upTo, after };
}

/**
 * The target text that forces the branch ending at node `id`, or null when none can (the root,
 * a branch of only </s>, a word cut short with nothing to complete it, a piece text cannot give).
 */
export function branchTarget(codec: TextCodec, tree: BeamTree, id: number): BranchTarget | null {
  const { upTo, after } = branchPieces(tree, id);
  if (upTo.length === 0) return null;
  for (let extra = 0; extra <= after.length; extra++) {
    const pieces = upTo.concat(after.slice(0, extra));
    const text = codec.detokenize(pieces);
    if (text.trim().length > 0 && samePieces(codec.tokenize(text), pieces)) return { text, pieces, extended: extra };
  }
  return null;
}

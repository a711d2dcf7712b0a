// Forcing a branch of the beam tree (src/model/beamBranch.ts): the target text must tokenise back
// into exactly the branch's pieces, completing a word cut inside along the hypothesis through the
// node, and refusing (null) when nothing can.

import { describe, expect, it } from 'vitest';
import { learnBpe } from '../../src/data/bpe';
import { bpeCodec, settingsCodec, type TextCodec } from '../../src/data/codec';
import { BOS_ID, EOS_ID } from '../../src/data/vocab';
import { branchTarget } from '../../src/model/beamBranch';
import type { BeamTree, BeamTreeNode } from '../../src/model/decoding';

const FR = ['Je pense que mon chat a faim.', 'Tu me manques.', 'Le chat est sous la table.', "Je n'aime pas le café.", 'Mon chat est mort hier.'];
const bpe = bpeCodec(learnBpe(FR.concat(FR), { merges: 40 }));

/**
 * A tree with one returned hypothesis (`kept`, ending in </s>) and pruned leaves hanging off it:
 * `pruned[k]` is [the step after which it branches off, its piece].
 */
function tree(kept: readonly string[], pruned: ReadonlyArray<[number, string]> = []): { tree: BeamTree; ids: number[]; prunedIds: number[] } {
  const nodes: BeamTreeNode[] = [{ id: 0, parent: -1, step: -1, token: BOS_ID, piece: '<s>', logP: 0, total: 0, rank: 1, status: 'root', hypothesis: 0 }];
  const ids: number[] = [];
  const add = (parent: number, piece: string, token: number, status: BeamTreeNode['status'], hypothesis: number): number => {
    const id = nodes.length;
    const p = nodes[parent] as BeamTreeNode;
    nodes.push({ id, parent, step: p.step + 1, token, piece, logP: -0.5, total: p.total - 0.5, rank: 1, status, hypothesis });
    return id;
  };
  let at = 0;
  kept.forEach((piece, k) => {
    at = add(at, piece, 10 + k, 'kept', 0);
    ids.push(at);
  });
  const end = add(at, '</s>', EOS_ID, 'finished', 0);
  ids.push(end);
  const prunedIds = pruned.map(([after, piece], k) => add(after < 0 ? 0 : (ids[after] as number), piece, 500 + k, 'pruned', -1));
  return { tree: { width: 2, steps: kept.length + 1, nodes, ends: [end] }, ids, prunedIds };
}

/** Every answer must re-tokenise into its own pieces, and start with the branch's pieces. */
function expectRoundTrip(codec: TextCodec, answer: ReturnType<typeof branchTarget>, branch: readonly string[]): void {
  if (!answer) throw new Error('no target text');
  expect(codec.tokenize(answer.text)).toEqual(answer.pieces);
  expect(answer.pieces.slice(0, branch.length)).toEqual(branch);
  expect(answer.pieces.length).toBe(branch.length + answer.extended);
}

describe('branchTarget (subword pieces)', () => {
  const pieces = bpe.tokenize('Je pense que mon chat a faim.');

  it('every prefix of a hypothesis that ends at a word round-trips as it is', () => {
    const { tree: t, ids } = tree(pieces);
    // "▁Je ▁p ense" ends at a word: its text is the branch
    const k = pieces.indexOf('ense');
    const answer = branchTarget(bpe, t, ids[k] as number);
    expectRoundTrip(bpe, answer, pieces.slice(0, k + 1));
    expect(answer?.text).toBe('Je pense');
    expect(answer?.extended).toBe(0);
  });

  it('a prefix cut inside a word is completed along the hypothesis through the node', () => {
    const { tree: t, ids } = tree(pieces);
    // a lone "▁" (a word start whose letters are the next piece) detokenises to nothing
    const k = pieces.indexOf('▁');
    expect(k).toBeGreaterThan(0);
    expect(bpe.tokenize(bpe.detokenize(pieces.slice(0, k + 1)))).not.toEqual(pieces.slice(0, k + 1));
    const answer = branchTarget(bpe, t, ids[k] as number);
    expectRoundTrip(bpe, answer, pieces.slice(0, k + 1));
    expect(answer?.extended).toBeGreaterThan(0);
  });

  it('every node of the hypothesis gives a text that re-tokenises into its pieces (or the pieces completed)', () => {
    for (const sentence of FR) {
      const p = bpe.tokenize(sentence);
      const { tree: t, ids } = tree(p);
      p.forEach((_, k) => expectRoundTrip(bpe, branchTarget(bpe, t, ids[k] as number), p.slice(0, k + 1)));
      // the </s> node forces the whole hypothesis (forcing appends </s> itself)
      const last = branchTarget(bpe, t, ids[p.length] as number);
      expect(last?.pieces).toEqual(p);
      expect(last?.text).toBe(sentence);
    }
  });

  it('a pruned word start with nothing to complete it cannot be forced; a pruned whole word can', () => {
    const k = pieces.indexOf('ense');
    const { tree: t, prunedIds } = tree(pieces, [
      [k, '▁'],
      [k, '▁chat'],
    ]);
    expect(branchTarget(bpe, t, prunedIds[0] as number)).toBeNull();
    const whole = branchTarget(bpe, t, prunedIds[1] as number);
    expectRoundTrip(bpe, whole, [...pieces.slice(0, k + 1), '▁chat']);
    expect(whole?.text).toBe('Je pense chat');
  });

  it('a codec that splits a word prefix its own way: the prefix is completed, not forced as other pieces', () => {
    // a tokenizer whose pieces depend on the whole word, as BPE's do: "trav" alone is "▁tr av"
    const codec: TextCodec = {
      settings: { level: 'bpe', lowercase: false },
      subword: true,
      tokenize: (text) => text.split(' ').flatMap((w) => (w === 'trav' ? ['▁tr', 'av'] : w === 'travail' ? ['▁trav', 'ail'] : [`▁${w}`])),
      detokenize: (p) => p.join('').replace(/▁/g, ' ').trim(),
    };
    const { tree: t, ids } = tree(['▁le', '▁trav', 'ail']);
    const answer = branchTarget(codec, t, ids[1] as number);
    expectRoundTrip(codec, answer, ['▁le', '▁trav']);
    expect(answer).toEqual({ text: 'le travail', pieces: ['▁le', '▁trav', 'ail'], extended: 1 });
  });
});

describe('branchTarget (words)', () => {
  const words = settingsCodec({ level: 'word', lowercase: true });

  it('a word-level branch is its words joined; the root and a lone </s> give nothing', () => {
    const { tree: t, ids, prunedIds } = tree(['le', 'chat', 'assis'], [[-1, '</s>']]);
    (t.nodes[prunedIds[0] as number] as BeamTreeNode).token = EOS_ID;
    expect(branchTarget(words, t, ids[1] as number)).toEqual({ text: 'le chat', pieces: ['le', 'chat'], extended: 0 });
    expect(branchTarget(words, t, 0)).toBeNull();
    expect(branchTarget(words, t, prunedIds[0] as number)).toBeNull();
  });

  it('a branch with a piece no text gives back (<unk>) is refused, not forced as something else', () => {
    const { tree: t, prunedIds } = tree(['le', 'chat'], [[0, '<unk>']]);
    // "le <unk>" reads back as four words, "le < unk >"
    expect(words.tokenize(words.detokenize(['le', '<unk>']))).not.toEqual(['le', '<unk>']);
    expect(branchTarget(words, t, prunedIds[0] as number)).toBeNull();
  });
});

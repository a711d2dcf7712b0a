import { describe, expect, it } from 'vitest';
import { makeQaSplits, MAX_MEMORIES, OBJECTS, PEOPLE, PLACES, qaText, sampleQa, solve, tokenizeStoryLine, type QaExample } from '../../../src/data/tasks/babi';
import { Rng } from '../../../src/tensor';

/** An independent reading of a story (not the generator's): where is X after these sentences? */
function whereIs(story: readonly (readonly string[])[], x: string): string | null {
  const at = new Map<string, string>();
  const holder = new Map<string, string>();
  const lying = new Map<string, string>();
  for (const s of story) {
    const who = s[0] as string;
    const last = s[s.length - 1] as string;
    if ((PLACES as readonly string[]).includes(last)) at.set(who, last);
    else if ((OBJECTS as readonly string[]).includes(last)) {
      const verb = s.slice(1, -2).join(' ');
      if (['picked up', 'got', 'grabbed', 'took'].includes(verb)) {
        holder.set(last, who);
        lying.delete(last);
      } else if (holder.get(last) === who) {
        holder.delete(last);
        const p = at.get(who);
        if (p) lying.set(last, p);
        else lying.delete(last);
      }
    }
  }
  if ((PEOPLE as readonly string[]).includes(x)) return at.get(x) ?? null;
  const h = holder.get(x);
  return h ? (at.get(h) ?? null) : (lying.get(x) ?? null);
}

const about = (e: QaExample): string => e.question[e.question.length - 1] as string;

describe('bAbI-style stories', () => {
  const rng = new Rng(5);
  const examples = Array.from({ length: 400 }, (_, k) => sampleQa(rng, { kind: k % 2 === 0 ? 'one' : 'two', minSentences: 2, maxSentences: 12 }));

  it('answers what an independent reading of the story says', () => {
    for (const e of examples) expect(whereIs(e.story, about(e)), qaText(e)).toBe(e.answer);
  });

  it('records gold facts that are really supporting: removing any one changes the answer', () => {
    for (const e of examples) {
      expect(e.support.length).toBe(e.kind === 'one' ? 1 : 2);
      for (const s of e.support) {
        const without = e.story.filter((_, k) => k !== s);
        expect(whereIs(without, about(e)), `${qaText(e)} without ${s}`).not.toBe(e.answer);
      }
    }
  });

  it('is seeded and keeps stories within bounds', () => {
    const again = new Rng(5);
    const first = sampleQa(again, { kind: 'one', minSentences: 2, maxSentences: 12 });
    expect(first).toEqual(examples[0]);
    for (const e of examples) {
      expect(e.story.length).toBeGreaterThanOrEqual(2);
      expect(e.story.length).toBeLessThanOrEqual(12);
    }
    expect(() => sampleQa(new Rng(1), { kind: 'two', minSentences: 3, maxSentences: MAX_MEMORIES + 1 })).toThrow(/story length/);
  });

  it('splits with no story+question in two sets, half of each kind', () => {
    const s = makeQaSplits({ seed: 2, train: 300, dev: 40, test: 60 });
    const texts = (xs: QaExample[]): Set<string> => new Set(xs.map(qaText));
    const [tr, dv, te] = [texts(s.train), texts(s.dev), texts(s.test)];
    for (const t of te) expect(tr.has(t) || dv.has(t)).toBe(false);
    for (const t of dv) expect(tr.has(t)).toBe(false);
    const two = s.test.filter((e) => e.kind === 'two').length;
    expect(two).toBeGreaterThan(15);
    expect(two).toBeLessThan(45);
  });

  it('solves typed stories, and says when it cannot', () => {
    const story = ['Mary went to the kitchen.', 'John picked up the milk!', 'John moved to the office.'].map(tokenizeStoryLine);
    expect(solve(story, tokenizeStoryLine('Where is the milk?'))).toEqual({ answer: 'office', support: [1, 2] });
    expect(solve(story, tokenizeStoryLine('where is Mary'))).toEqual({ answer: 'kitchen', support: [0] });
    expect(solve(story, tokenizeStoryLine('Where is Sandra?'))).toBeNull();
    expect(solve(story, tokenizeStoryLine('Who is Mary?'))).toBeNull();
    expect(tokenizeStoryLine('  Mary   WENT to the Kitchen.. ')).toEqual(['mary', 'went', 'to', 'the', 'kitchen']);
  });
});

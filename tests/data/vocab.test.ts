import { fc, test } from '@fast-check/vitest';
import { describe, expect, it } from 'vitest';
import { MAX_VOCAB_SIZE } from '../../src/data/limits';
import {
  BOS_ID,
  BOS_TOKEN,
  compareCodePoints,
  EOS_ID,
  EOS_TOKEN,
  PAD_ID,
  PAD_TOKEN,
  SPECIAL_TOKENS,
  UNK_ID,
  UNK_TOKEN,
  Vocab,
  VocabError,
} from '../../src/data/vocab';

describe('specials', () => {
  it('have fixed ids 0..3 in the order pad, bos, eos, unk', () => {
    expect([PAD_ID, BOS_ID, EOS_ID, UNK_ID]).toEqual([0, 1, 2, 3]);
    expect(SPECIAL_TOKENS).toEqual([PAD_TOKEN, BOS_TOKEN, EOS_TOKEN, UNK_TOKEN]);
    expect(SPECIAL_TOKENS).toEqual(['<pad>', '<s>', '</s>', '<unk>']);
    const v = Vocab.build([]);
    expect(v.size).toBe(4);
    SPECIAL_TOKENS.forEach((t, k) => {
      expect(v.id(t)).toBe(k);
      expect(v.token(k)).toBe(t);
      expect(v.isSpecial(k)).toBe(true);
    });
  });
});

describe('Vocab.build', () => {
  const corpus = [
    ['the', 'cat', 'sat'],
    ['the', 'dog', 'sat'],
    ['the', 'cat', 'ran'],
    ['a', 'cat'],
  ];

  it('orders by count (descending), ties by code point, after the specials', () => {
    // counts: cat 3, the 3, sat 2, a 1, dog 1, ran 1
    expect(Vocab.build(corpus).toJSON()).toEqual([...SPECIAL_TOKENS, 'cat', 'the', 'sat', 'a', 'dog', 'ran']);
  });

  it('breaks ties by code point, not by UTF-16 unit (an astral letter sorts after U+FFxx)', () => {
    const astral = '\u{1D400}'; // 𝐀, UTF-16 D835 DC00 (< U+FF21 by code unit, > by code point)
    const fullwidth = '\uFF21'; // Ａ
    expect(Vocab.build([[astral, fullwidth]]).toJSON().slice(4)).toEqual([fullwidth, astral]);
    expect(compareCodePoints(astral, fullwidth)).toBeGreaterThan(0);
    expect(compareCodePoints('ab', 'abc')).toBeLessThan(0);
    expect(compareCodePoints('b', 'b')).toBe(0);
  });

  it('applies minCount and maxSize (maxSize counts the specials)', () => {
    expect(Vocab.build(corpus, { minCount: 2 }).toJSON()).toEqual([...SPECIAL_TOKENS, 'cat', 'the', 'sat']);
    expect(Vocab.build(corpus, { maxSize: 6 }).toJSON()).toEqual([...SPECIAL_TOKENS, 'cat', 'the']);
    expect(Vocab.build(corpus, { maxSize: 4 }).size).toBe(4);
  });

  it('does not give special strings found in the data a second id', () => {
    const v = Vocab.build([['<unk>', '<s>', 'x', '<pad>']]);
    expect(v.toJSON()).toEqual([...SPECIAL_TOKENS, 'x']);
  });

  it('is deterministic: shuffling the sentences does not change the result', () => {
    const reordered = [corpus[3], corpus[1], corpus[0], corpus[2]] as string[][];
    expect(Vocab.build(reordered).toJSON()).toEqual(Vocab.build(corpus).toJSON());
  });

  it('rejects bad options', () => {
    expect(() => Vocab.build(corpus, { minCount: 0 })).toThrow(VocabError);
    expect(() => Vocab.build(corpus, { maxSize: 3 })).toThrow(VocabError);
    expect(() => Vocab.build(corpus, { maxSize: MAX_VOCAB_SIZE + 1 })).toThrow(VocabError);
  });
});

describe('Vocab lookups', () => {
  const v = Vocab.build([['le', 'chat', 'noir'], ['le', 'chien']]);

  it('maps unknown tokens to <unk> and knows what it has', () => {
    expect(v.id('le')).toBe(4);
    expect(v.id('zèbre')).toBe(UNK_ID);
    expect(v.has('chat')).toBe(true);
    expect(v.has('zèbre')).toBe(false);
    expect(v.isSpecial(4)).toBe(false);
  });

  it('encodes to Int32Array without adding <s> or </s>', () => {
    const ids = v.encode(['le', 'zèbre', 'noir']);
    expect(ids).toBeInstanceOf(Int32Array);
    expect(Array.from(ids)).toEqual([v.id('le'), UNK_ID, v.id('noir')]);
  });

  it('decodes, stopping at </s> and dropping <pad>/<s> by default', () => {
    const ids = [BOS_ID, v.id('le'), UNK_ID, v.id('chat'), EOS_ID, v.id('noir'), PAD_ID];
    expect(v.decode(ids)).toEqual(['le', '<unk>', 'chat']);
    expect(v.decode(ids, { stopAtEos: false })).toEqual(['le', '<unk>', 'chat', 'noir']);
    expect(v.decode(ids, { stopAtEos: false, keepSpecials: true })).toEqual(['<s>', 'le', '<unk>', 'chat', '</s>', 'noir', '<pad>']);
    expect(v.decode(Int32Array.from([v.id('chien')]))).toEqual(['chien']);
  });

  it('throws RangeError for ids outside the vocabulary', () => {
    expect(() => v.token(v.size)).toThrow(RangeError);
    expect(() => v.token(-1)).toThrow(RangeError);
    expect(() => v.token(1.5)).toThrow(RangeError);
    expect(() => v.decode([v.size + 10])).toThrow(RangeError);
  });
});

const tokenArb = fc.string({ minLength: 1, maxLength: 6 }).filter((t) => !SPECIAL_TOKENS.includes(t));
const sentencesArb = fc.array(fc.array(tokenArb, { maxLength: 12 }), { maxLength: 12 });

describe('Vocab properties', () => {
  test.prop([sentencesArb])('decode(encode(s)) = s for every sentence it was built from', (sentences) => {
    const v = Vocab.build(sentences);
    for (const s of sentences) expect(v.decode(v.encode(s))).toEqual(s);
  });

  test.prop([sentencesArb, fc.array(tokenArb, { maxLength: 12 })])('unknown tokens come back as <unk>, known ones unchanged', (sentences, probe) => {
    const v = Vocab.build(sentences);
    expect(v.decode(v.encode(probe))).toEqual(probe.map((t) => (v.has(t) ? t : UNK_TOKEN)));
  });

  test.prop([sentencesArb, fc.integer({ min: 1, max: 3 })])('toJSON → fromJSON round-trips (also through JSON text)', (sentences, minCount) => {
    const v = Vocab.build(sentences, { minCount });
    const back = Vocab.fromJSON(JSON.parse(JSON.stringify(v.toJSON())));
    expect(back.toJSON()).toEqual(v.toJSON());
    for (const s of sentences) expect(Array.from(back.encode(s))).toEqual(Array.from(v.encode(s)));
  });

  test.prop([fc.anything()])('fromJSON either returns a Vocab or throws VocabError, never anything else', (value) => {
    try {
      const v = Vocab.fromJSON(value);
      expect(v.size).toBeGreaterThanOrEqual(4);
    } catch (error) {
      expect(error).toBeInstanceOf(VocabError);
    }
  });
});

describe('Vocab.fromJSON validation', () => {
  const good = [...SPECIAL_TOKENS, 'a', 'b'];

  it('accepts a well-formed list', () => {
    expect(Vocab.fromJSON(good).toJSON()).toEqual(good);
  });

  it.each([
    ['not an array', { tokens: good }, /array of strings/],
    ['null', null, /got null/],
    ['too short', ['<pad>', '<s>'], /at least the 4 specials/],
    ['a non-string entry', [...SPECIAL_TOKENS, 7], /entry 4 is not a string \(number\)/],
    ['an empty string', [...SPECIAL_TOKENS, ''], /entry 4 is an empty string/],
    ['specials out of order', ['<s>', '<pad>', '</s>', '<unk>'], /entry 0 must be "<pad>"/],
    ['a duplicate', [...SPECIAL_TOKENS, 'a', 'b', 'a'], /entry 6 duplicates "a"/],
    ['a duplicated special', [...SPECIAL_TOKENS, '<unk>'], /entry 4 duplicates "<unk>"/],
  ])('rejects %s with a clear VocabError', (_name, value, message) => {
    expect(() => Vocab.fromJSON(value)).toThrow(VocabError);
    expect(() => Vocab.fromJSON(value)).toThrow(message);
  });

  it('rejects a list above the size cap without reading it all', () => {
    const huge = new Array<string>(MAX_VOCAB_SIZE + 1);
    expect(() => Vocab.fromJSON(huge)).toThrow(/limit is 100000/);
  });
});

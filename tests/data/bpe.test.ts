import { fc, test } from '@fast-check/vitest';
import { describe, expect, it } from 'vitest';
import { BpeError, BpeTokenizer, byteToken, isByteToken, learnBpe, parseTokenizerJson, tokenizerJson, WORD_MARK } from '../../src/data/bpe';
import { bpeCodec, groupPieces } from '../../src/data/codec';
import { detokenizePieces } from '../../src/data/tokenize';
import { SPECIAL_TOKENS } from '../../src/data/vocab';

const CORPUS = [
  'I think my cat is hungry.',
  'I think my dog is hungry too.',
  'The cat is under the table.',
  'The cats are under the tables.',
  'I miss you.',
  'Do you miss me?',
  "I don't like coffee.",
  "Je n'aime pas le café.",
  'Le chat noir dort.',
  '猫在桌子底下。',
  '我想你。',
];

const tok = learnBpe(CORPUS.concat(CORPUS), { merges: 60 });

/** What decode(encode(text)) must give: NFC, "▁" as a space, whitespace runs → one space, trimmed. */
function normalised(text: string): string {
  return text.normalize('NFC').replaceAll(WORD_MARK, ' ').replace(/\s+/gu, ' ').trim();
}

describe('learnBpe', () => {
  it('learns the most frequent pair first and records merges in order', () => {
    const t = learnBpe(['ab ab ab abc', 'ab'], { merges: 3, minCharCount: 1 });
    // "▁ab" occurs 5 times: ▁+a and a+b tie at 5; ties go to code-point order ("a b" < "▁ a")
    expect(t.spec.merges[0]).toEqual(['a', 'b']);
    expect(t.spec.merges[1]).toEqual([WORD_MARK, 'ab']);
    expect(t.encode('ab ab').tokens).toEqual([`${WORD_MARK}ab`, `${WORD_MARK}ab`]);
  });

  it('puts the specials and the 256 byte tokens first', () => {
    expect(tok.spec.vocab.slice(0, 4)).toEqual([...SPECIAL_TOKENS]);
    expect(tok.spec.vocab[4]).toBe('<0x00>');
    expect(tok.spec.vocab[259]).toBe('<0xFF>');
  });

  it('is deterministic: the same text gives the same tokenizer.json', () => {
    const again = learnBpe(CORPUS.concat(CORPUS), { merges: 60 });
    expect(JSON.stringify(again.toJSON())).toBe(JSON.stringify(tok.toJSON()));
  });

  it('stops when no pair occurs often enough', () => {
    const t = learnBpe(['abc'], { merges: 100 });
    expect(t.spec.merges.length).toBe(0);
  });

  it('rejects bad options', () => {
    expect(() => learnBpe(['a'], { merges: -1 })).toThrow(BpeError);
    expect(() => learnBpe(['a'], { merges: 1.5 })).toThrow(BpeError);
    expect(() => learnBpe(['a'], { merges: 1, minCharCount: 0 })).toThrow(BpeError);
  });

  it('splits Chinese into characters before merging (no piece spans two Han characters)', () => {
    const zh = learnBpe(Array(20).fill('我想你。我想你。'), { merges: 50 });
    for (const p of zh.encode('我想你。').tokens) expect(Array.from(p.replace(WORD_MARK, '')).length).toBeLessThanOrEqual(1);
  });
});

describe('encoding', () => {
  it('never produces <unk>: unseen characters fall back to their UTF-8 bytes', () => {
    const e = tok.encode('Ω 猫 👩‍👩‍👧');
    expect(e.tokens).not.toContain('<unk>');
    expect(e.tokens.filter(isByteToken).length).toBeGreaterThan(0);
    expect(e.tokens).toContain(byteToken(0xce)); // Ω = CE A9
  });

  it('keeps whole words it learned', () => {
    expect(tok.encode('I miss you.').tokens.length).toBeLessThan('I miss you.'.length);
  });

  it('gives ids that index the vocabulary', () => {
    const e = tok.encode('The cat is hungry.');
    e.ids.forEach((id, k) => expect(tok.spec.vocab[id]).toBe(e.tokens[k]));
  });

  test.prop([fc.string({ unit: 'grapheme', maxLength: 40 })], { numRuns: 300 })('decode(encode(text)) is the normalised text (any Unicode)', (text) => {
    const e = tok.encode(text);
    expect(e.tokens).not.toContain('<unk>');
    expect(tok.decodeTokens(e.tokens)).toBe(normalised(text));
    // the page's own decoder (no tokenizer needed) agrees with the library's
    expect(detokenizePieces(e.tokens)).toBe(normalised(text));
  });

  test.prop([fc.string({ unit: 'binary', maxLength: 30 })], { numRuns: 200 })('round trip holds for any code points (lone surrogates replaced)', (raw) => {
    const text = raw.replace(/[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/gu, '\uFFFD');
    expect(tok.decodeTokens(tok.encode(text).tokens)).toBe(normalised(text));
  });

  it('handles CJK, emoji and combining marks', () => {
    for (const s of ['我觉得我的猫饿了。', 'family 👩‍👩‍👧 ok 👍🏽', 'cafe\u0301 naïve', '  spaced\tout \n text ']) {
      expect(tok.decodeTokens(tok.encode(s).tokens)).toBe(normalised(s));
    }
  });

  it('lower-cases when asked, at learning and at encoding', () => {
    const lc = learnBpe(['Hello HELLO hello'], { merges: 10, lowercase: true });
    expect(lc.decodeTokens(lc.encode('HeLLo').tokens)).toBe('hello');
  });
});

describe('tokenizer.json', () => {
  it('round-trips through JSON and is the Hugging Face BPE layout', () => {
    const json = JSON.parse(JSON.stringify(tok.toJSON())) as Record<string, unknown>;
    const model = json.model as Record<string, unknown>;
    expect(model.type).toBe('BPE');
    expect(model.byte_fallback).toBe(true);
    const again = BpeTokenizer.fromJSON(json);
    expect(again.encode('I think my cat is hungry.').tokens).toEqual(tok.encode('I think my cat is hungry.').tokens);
  });

  const base = (): Record<string, unknown> => JSON.parse(JSON.stringify(tok.toJSON())) as Record<string, unknown>;
  const model = (j: Record<string, unknown>): Record<string, unknown> => j.model as Record<string, unknown>;
  const cases: Array<[string, (j: Record<string, unknown>) => unknown, RegExp]> = [
    ['not an object', () => [], /JSON object/],
    ['another model type', (j) => ((model(j).type = 'WordPiece'), j), /model.type/],
    ['no byte fallback', (j) => ((model(j).byte_fallback = false), j), /byte_fallback/],
    ['dropout', (j) => ((model(j).dropout = 0.1), j), /dropout/],
    ['another normaliser', (j) => ((j.normalizer = { type: 'NFKC' }), j), /normalizer/],
    ['another pre-tokeniser', (j) => ((j.pre_tokenizer = { type: 'Whitespace' }), j), /pre_tokenizer/],
    ['another decoder', (j) => ((j.decoder = null), j), /decoder/],
    ['vocab not an object', (j) => ((model(j).vocab = ['a']), j), /model.vocab/],
    ['an id out of range', (j) => ((model(j).vocab = { ...(model(j).vocab as object), zzz: 1e9 }), j), /id of "zzz"/],
    ['a duplicated id', (j) => ((model(j).vocab = { ...(model(j).vocab as object), zzz: 5 }), j), /must be an integer|used twice/],
    ['specials moved', (j) => {
      const v = model(j).vocab as Record<string, number>;
      [v['<pad>'], v['<unk>']] = [v['<unk>'] as number, v['<pad>'] as number];
      return j;
    }, /id 0 must be/],
    ['merges not an array', (j) => ((model(j).merges = 'a b'), j), /merges must be an array/],
    ['a merge of unknown tokens', (j) => ((model(j).merges = [['qq', 'zz']]), j), /outside the vocabulary/],
    ['a malformed merge', (j) => ((model(j).merges = [[1, 2, 3]]), j), /pair of tokens/],
    ['a hostile __proto__ key', () => JSON.parse('{"__proto__": {"polluted": true}, "model": {"type": "BPE"}}'), /byte_fallback/],
  ];
  for (const [name, corrupt, message] of cases) {
    it(`rejects ${name} with a clear error`, () => {
      expect(() => parseTokenizerJson(corrupt(base()))).toThrow(message);
      expect(({} as Record<string, unknown>).polluted).toBeUndefined();
    });
  }

  it('accepts merges in the older "a b" string form', () => {
    const j = base();
    model(j).merges = (model(j).merges as string[][]).map((m) => m.join(' '));
    expect(parseTokenizerJson(j).merges).toEqual(tok.spec.merges);
  });

  it('is what tokenizerJson writes for a spec', () => {
    expect(parseTokenizerJson(tokenizerJson(tok.spec))).toEqual(tok.spec);
  });
});

describe('words made of pieces', () => {
  const codec = bpeCodec(tok);
  it('groups pieces into words by the segmenter; </s> is a word of its own', () => {
    const pieces = [...codec.tokenize("I don't like coffee."), '</s>'];
    const g = groupPieces(pieces);
    expect(g.words).toEqual(['I', "don't", 'like', 'coffee', '.', '</s>']);
    // contiguous, non-decreasing, covering every word
    for (let k = 1; k < g.wordOf.length; k++) expect((g.wordOf[k] as number) - (g.wordOf[k - 1] as number)).toBeGreaterThanOrEqual(0);
    expect(new Set(g.wordOf).size).toBe(g.words.length);
  });

  it('shows text that is only spaces as one visible "▁" word, not an empty one', () => {
    const g = groupPieces(codec.tokenize(' '));
    expect(g.words.every((w) => w.length > 0)).toBe(true);
  });

  it('puts the bytes of one character in one word, and a lone ▁ with the word after it', () => {
    const g = groupPieces([WORD_MARK, '<0xE6>', '<0x88>', '<0x91>', '的', '猫', '</s>']);
    expect(g.wordOf[0]).toBe(g.wordOf[1]);
    expect(g.words.join('')).toBe('我的猫</s>');
  });

  test.prop([fc.string({ unit: 'grapheme', maxLength: 30 })], { numRuns: 200 })('every piece has a word and the words spell the text', (text) => {
    const pieces = codec.tokenize(text);
    const g = groupPieces(pieces);
    expect(g.wordOf.length).toBe(pieces.length);
    g.firstPiece.forEach((f, w) => expect(g.wordOf[f]).toBe(w));
    // a piece with nothing visible (a lone ▁, e.g. for text that is only spaces) shows as "▁" on purpose
    const bare = (x: string): string => x.replace(/[\s▁]/gu, '');
    expect(bare(g.words.join(''))).toBe(bare(normalised(text)));
  });
});

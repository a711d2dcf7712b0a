import { fc, test } from '@fast-check/vitest';
import { describe, expect, it } from 'vitest';
import { MAX_TOKENS_PER_SIDE } from '../../src/data/limits';
import { detokenize, SPACE_TOKEN, tokenize, truncateTokens, type TokenizerSettings } from '../../src/data/tokenize';

const WORD: TokenizerSettings = { level: 'word', lowercase: false };
const WORD_LC: TokenizerSettings = { level: 'word', lowercase: true };
const CHAR: TokenizerSettings = { level: 'char', lowercase: false };
const CHAR_LC: TokenizerSettings = { level: 'char', lowercase: true };

describe('tokenize, word level', () => {
  it('keeps words and punctuation, drops whitespace', () => {
    expect(tokenize('  Hello,   world!\tHow are you?\n', WORD)).toEqual(['Hello', ',', 'world', '!', 'How', 'are', 'you', '?']);
  });

  it('splits a punctuation run into one token per mark', () => {
    expect(tokenize('What?!', WORD)).toEqual(['What', '?', '!']);
    expect(tokenize('wait...', WORD)).toEqual(['wait', '.', '.', '.']);
  });

  it('keeps an emoji ZWJ sequence whole', () => {
    const family = '\u{1F469}\u200D\u{1F469}\u200D\u{1F467}';
    expect(tokenize(`my family ${family}!`, WORD)).toEqual(['my', 'family', family, '!']);
    expect(tokenize(`${family}${family}`, WORD)).toEqual([family, family]);
    expect(tokenize('ok 👍🏽', WORD)).toEqual(['ok', '👍🏽']);
  });

  it('splits French elision the same way with straight, curly and spaced apostrophes', () => {
    const expected = ["l'", 'accord'];
    expect(tokenize("l'accord", WORD)).toEqual(expected);
    expect(tokenize('l\u2019accord', WORD)).toEqual(expected);
    expect(tokenize("l' accord", WORD)).toEqual(expected);
    expect(tokenize('l\u2019 accord', WORD)).toEqual(expected);
    expect(tokenize("qu'il jusqu'à lorsqu'elle puisqu'on", WORD)).toEqual(["qu'", 'il', "jusqu'", 'à', "lorsqu'", 'elle', "puisqu'", 'on']);
    expect(tokenize("d'un n'a s'il t'aime c'est j'ai m'a", WORD)).toEqual(["d'", 'un', "n'", 'a', "s'", 'il', "t'", 'aime', "c'", 'est', "j'", 'ai', "m'", 'a']);
  });

  it('matches elided prefixes case-insensitively and keeps their case unless lowercasing', () => {
    expect(tokenize("L'Europe", WORD)).toEqual(["L'", 'Europe']);
    expect(tokenize('QU\u2019IL', WORD)).toEqual(["QU'", 'IL']);
    expect(tokenize("L'Europe", WORD_LC)).toEqual(["l'", 'europe']);
  });

  it('keeps English contractions and non-elision apostrophes whole', () => {
    expect(tokenize("don't can't it's", WORD)).toEqual(["don't", "can't", "it's"]);
    expect(tokenize('don\u2019t', WORD)).toEqual(['don\u2019t']);
    expect(tokenize("aujourd'hui", WORD)).toEqual(["aujourd'hui"]);
  });

  it('segments Chinese into several tokens that join back to the input', () => {
    const tokens = tokenize('我喜欢黑猫', WORD);
    expect(tokens.length).toBeGreaterThan(1);
    expect(tokens.join('')).toBe('我喜欢黑猫');
    const japanese = tokenize('吾輩は猫である', WORD);
    expect(japanese.length).toBeGreaterThan(1);
    expect(japanese.join('')).toBe('吾輩は猫である');
  });

  it('gives two tokens for Arabic القط الأسود', () => {
    expect(tokenize('القط الأسود', WORD)).toEqual(['القط', 'الأسود']);
  });

  it('tokenizes precomposed and combining-mark spellings identically (NFC)', () => {
    expect(tokenize('cafe\u0301 noir', WORD)).toEqual(tokenize('caf\u00e9 noir', WORD));
    expect(tokenize('cafe\u0301 noir', WORD)[0]).toBe('caf\u00e9');
    expect(tokenize('cafe\u0301', CHAR)).toEqual(tokenize('caf\u00e9', CHAR));
  });

  it('lower-cases only when asked', () => {
    expect(tokenize('The European Union', WORD)).toEqual(['The', 'European', 'Union']);
    expect(tokenize('The European Union', WORD_LC)).toEqual(['the', 'european', 'union']);
  });

  it('gives no tokens for empty or blank text', () => {
    expect(tokenize('', WORD)).toEqual([]);
    expect(tokenize(' \t\n ', WORD)).toEqual([]);
    expect(tokenize('', CHAR)).toEqual([]);
    expect(tokenize('   ', CHAR)).toEqual([]);
  });
});

describe('tokenize, char level', () => {
  it('uses grapheme clusters and one ▁ per whitespace run, trimming the ends', () => {
    expect(tokenize(' 21  Nov\t2026 ', CHAR)).toEqual(['2', '1', SPACE_TOKEN, 'N', 'o', 'v', SPACE_TOKEN, '2', '0', '2', '6']);
    const family = '\u{1F469}\u200D\u{1F469}\u200D\u{1F467}';
    expect(tokenize(`a${family}b`, CHAR)).toEqual(['a', family, 'b']);
    expect(tokenize('e\u0301t\u00e9', CHAR)).toEqual(['\u00e9', 't', '\u00e9']);
  });

  it('lower-cases per setting', () => {
    expect(tokenize('Nov', CHAR_LC)).toEqual(['n', 'o', 'v']);
    expect(tokenize('Nov', CHAR)).toEqual(['N', 'o', 'v']);
  });
});

describe('detokenize', () => {
  it('joins words with spaces and characters with ▁ as a space', () => {
    expect(detokenize(["l'", 'accord', '.'], WORD)).toBe("l' accord .");
    expect(detokenize(['2', '1', SPACE_TOKEN, 'N', 'o', 'v'], CHAR)).toBe('21 Nov');
    expect(detokenize([], WORD)).toBe('');
  });

  it('is undone by tokenize for tokenised text (word and char level)', () => {
    for (const text of ["L'accord sur la zone, signé en août 1992 !", 'Saturday, 21 November 2026', '我喜欢黑猫 👩‍👩‍👧 ?!', "qu' il n' a pas"]) {
      for (const settings of [WORD, CHAR, WORD_LC, CHAR_LC]) {
        const tokens = tokenize(text, settings);
        expect(tokenize(detokenize(tokens, settings), settings)).toEqual(tokens);
      }
    }
  });
});

// Text made of realistic pieces: words in several scripts, French elisions, punctuation, emoji,
// numbers, combining marks and assorted spaces.
const piece = fc.constantFrom(
  'the', 'Cat', "l'", 'l\u2019', "qu'", "don't", 'accord', 'août', 'cafe\u0301', 'caf\u00e9', 'ÉTÉ',
  '1992', '3.5', '21st', '?', '!', ',', '.', '...', '«', '»', '(', ')', '-', '—', '"',
  '我', '喜欢', '黑猫', '猫である', 'القط', 'الأسود', 'Москва', 'γάτα',
  '👩\u200D👩\u200D👧', '👍🏽', '🇫🇷', ' ', '  ', '\t', '\n', '\u00a0',
);
const realisticText = fc.array(piece, { maxLength: 25 }).map((parts) => parts.join(''));
const SETTINGS = fc.constantFrom(WORD, WORD_LC, CHAR, CHAR_LC);

describe('tokenize properties', () => {
  test.prop([realisticText, SETTINGS])('tokenize ∘ detokenize ∘ tokenize = tokenize', (text, settings) => {
    const tokens = tokenize(text, settings);
    expect(tokenize(detokenize(tokens, settings), settings)).toEqual(tokens);
  });

  test.prop([realisticText, SETTINGS])('NFC and NFD spellings tokenize the same', (text, settings) => {
    expect(tokenize(text.normalize('NFD'), settings)).toEqual(tokenize(text.normalize('NFC'), settings));
  });

  test.prop([fc.string({ unit: 'binary', maxLength: 60 }), SETTINGS])('never throws; word tokens are non-empty and whitespace-free', (text, settings) => {
    const tokens = tokenize(text, settings);
    for (const t of tokens) expect(t.length).toBeGreaterThan(0);
    if (settings.level === 'word') for (const t of tokens) expect(/\s/u.test(t)).toBe(false);
  });

  test.prop([fc.array(fc.constantFrom('a', 'b', 'x', '!', '7', 'é'), { maxLength: 30 }).map((cs) => cs.join(''))])(
    'char level without spaces is one token per character',
    (text) => {
      expect(tokenize(text, CHAR)).toEqual(Array.from(text.normalize('NFC')));
    },
  );
});

describe('truncateTokens', () => {
  it('caps at MAX_TOKENS_PER_SIDE by default and says so', () => {
    expect(MAX_TOKENS_PER_SIDE).toBe(256);
    const long = Array.from({ length: 1000 }, (_, k) => `w${k}`);
    const cut = truncateTokens(long);
    expect(cut.tokens).toHaveLength(256);
    expect(cut.tokens[255]).toBe('w255');
    expect(cut.truncated).toBe(true);
    expect(cut.originalLength).toBe(1000);
  });

  it('leaves short input alone (as a copy) and rejects a bad cap', () => {
    const tokens = ['a', 'b'];
    const kept = truncateTokens(tokens, 2);
    expect(kept).toEqual({ tokens: ['a', 'b'], truncated: false, originalLength: 2 });
    expect(kept.tokens).not.toBe(tokens);
    expect(truncateTokens(tokens, 0)).toEqual({ tokens: [], truncated: true, originalLength: 2 });
    expect(() => truncateTokens(tokens, -1)).toThrow(RangeError);
    expect(() => truncateTokens(tokens, 1.5)).toThrow(RangeError);
  });
});

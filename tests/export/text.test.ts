// Text helpers of the exports: the paper's notation, widths, grapheme-safe truncation, direction.
import { describe, expect, it } from 'vitest';
import { baseDirection, estimateTextWidth, notationText, parseNotation, truncateGraphemes } from '../../src/export/text';

describe('parseNotation', () => {
  it('reads subscripts and superscripts, braced or as a run of letters, digits or Greek', () => {
    expect(parseNotation('e_ij = v_a^T tanh(W_a s_{i−1} + U_a h_j)')).toEqual([
      { kind: 'text', text: 'e' },
      { kind: 'sub', text: 'ij' },
      { kind: 'text', text: ' = v' },
      { kind: 'sub', text: 'a' },
      { kind: 'sup', text: 'T' },
      { kind: 'text', text: ' tanh(W' },
      { kind: 'sub', text: 'a' },
      { kind: 'text', text: ' s' },
      { kind: 'sub', text: 'i−1' },
      { kind: 'text', text: ' + U' },
      { kind: 'sub', text: 'a' },
      { kind: 'text', text: ' h' },
      { kind: 'sub', text: 'j' },
      { kind: 'text', text: ')' },
    ]);
    expect(parseNotation('α_ij')).toEqual([
      { kind: 'text', text: 'α' },
      { kind: 'sub', text: 'ij' },
    ]);
    expect(parseNotation('x_α')).toEqual([
      { kind: 'text', text: 'x' },
      { kind: 'sub', text: 'α' },
    ]);
  });

  it('leaves text without notation (and a lone _ or ^) as it is', () => {
    expect(parseNotation('plain text')).toEqual([{ kind: 'text', text: 'plain text' }]);
    expect(parseNotation('a _ b ^ c')).toEqual([{ kind: 'text', text: 'a _ b ^ c' }]);
    expect(parseNotation('')).toEqual([]);
  });

  it('notationText is what a reader sees, for measuring', () => {
    expect(notationText('target step i · query s_{i−1}')).toBe('target step i · query si−1');
    expect(notationText('源位置 j · 注释 h_j')).toBe('源位置 j · 注释 hj');
  });
});

describe('estimateTextWidth, truncateGraphemes, baseDirection', () => {
  it('counts wide (CJK) characters wider than Latin ones', () => {
    expect(estimateTextWidth('猫猫', 10)).toBeGreaterThan(estimateTextWidth('ab', 10));
    expect(estimateTextWidth('', 12)).toBe(0);
  });

  it('never cuts inside a grapheme (an emoji family stays whole)', () => {
    const family = '👩‍👩‍👧';
    const cut = truncateGraphemes(`${family}${family}${family}`, 2);
    expect(cut).toBe(`${family}…`);
    expect(truncateGraphemes(`${family}${family}`, 2)).toBe(`${family}${family}`);
  });

  it('takes the direction from the first strong letter', () => {
    expect(baseDirection('القط الأسود')).toBe('rtl');
    expect(baseDirection('1992 القط')).toBe('rtl');
    expect(baseDirection('the cat')).toBe('ltr');
    expect(baseDirection('123')).toBe('ltr');
  });
});

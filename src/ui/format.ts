// Number formatting for the panels: short, aligned, and never "NaN" on screen.

export function fmt(v: number, digits = 2): string {
  if (!Number.isFinite(v)) return v > 0 ? '∞' : v < 0 ? '−∞' : '–';
  const s = v.toFixed(digits);
  return s.startsWith('-') ? `−${s.slice(1)}` : s;
}

export function fmtProb(p: number): string {
  if (!Number.isFinite(p)) return '–';
  if (p >= 0.001) return p.toFixed(3);
  return p.toExponential(1);
}

export function fmtPct(p: number): string {
  return Number.isFinite(p) ? `${(100 * p).toFixed(1)}%` : '–';
}

/** A value that may be tiny (a gradient near a sure choice): two decimals, or two significant digits in e-notation below 0.01. */
export function fmtSmall(v: number): string {
  if (!Number.isFinite(v) || v === 0 || Math.abs(v) >= 0.01) return fmt(v, 2);
  const [m, e] = v.toExponential(1).split('e') as [string, string];
  const minus = (s: string): string => (s.startsWith('-') ? `−${s.slice(1)}` : s.replace(/^\+/, ''));
  return `${minus(m)}e${minus(e)}`;
}

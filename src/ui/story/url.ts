// The story's chapter in the URL fragment, beside the permalink and the view:
// `#s=<payload>&view=story&chapter=3`. Read and written with URLSearchParams on location.hash so
// that `s=` and `view=` are kept as they are.

/** The chapter (1-based) a fragment names, or null when it names none or an impossible one. */
export function chapterOf(hash: string, count: number): number | null {
  const raw = new URLSearchParams(hash.replace(/^#/, '')).get('chapter');
  if (raw === null || !/^\d{1,3}$/.test(raw)) return null;
  const n = Number(raw);
  return n >= 1 && n <= count ? n : null;
}

/** `hash` with `view=story` and `chapter=n` set and every other parameter kept, in order. */
export function withChapter(hash: string, chapter: number): string {
  const params = new URLSearchParams(hash.replace(/^#/, ''));
  if (params.get('view') !== 'story') params.set('view', 'story');
  params.set('chapter', String(chapter));
  // URLSearchParams would encode nothing in a base64url payload; the rest is plain ASCII
  return `#${params.toString()}`;
}

/**
 * Put the chapter into the address bar (replaceState: no history entry, no hashchange) unless it
 * is already there. Returns true when the address changed.
 */
export function writeChapter(chapter: number): boolean {
  const params = new URLSearchParams(location.hash.replace(/^#/, ''));
  if (params.get('view') === 'story' && params.get('chapter') === String(chapter)) return false;
  const next = withChapter(location.hash, chapter);
  history.replaceState(history.state, '', `${location.pathname}${location.search}${next}`);
  return true;
}

// @vitest-environment jsdom
import { act, fireEvent, render, screen, waitFor, within } from '@testing-library/react';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { useStore } from '../../../src/store/store';
import { agreement, defaultSelection, missingVariants, sharedDomain } from '../../../src/ui/compare/compare';
import { CompareView } from '../../../src/ui/views/CompareView';
import { resetStore, SOURCE } from '../panels/helpers';
import { axeViolations, CATALOG, fakeFetch, installCatalog, installModels } from './setup';

const EN_FR = { 'en-fr-additive': 'additive', 'en-fr-none': 'none', 'en-fr-diagonal': 'diagonal', 'en-fr-dot': 'dot' } as const;

beforeEach(async () => {
  resetStore();
  installCatalog();
  await installModels({ ...EN_FR, 'reverse-additive': 'additive' });
  useStore.setState({ source: SOURCE, target: '' });
});
afterEach(() => {
  resetStore();
  vi.unstubAllGlobals();
});

const cards = (): HTMLElement[] => screen.getAllByRole('article');
const card = (name: RegExp): HTMLElement => screen.getByRole('article', { name });

describe('compare: the arithmetic', () => {
  it('starts with additive, none, diagonal and one dot-like variant of en-fr, and names the missing ones', () => {
    expect(defaultSelection(CATALOG)).toEqual(['en-fr-additive', 'en-fr-none', 'en-fr-diagonal', 'en-fr-dot']);
    expect(missingVariants(CATALOG)).toEqual(['general', 'scaled-dot']);
    // only additive shipped for en-fr: another task's model makes the pair
    const few = CATALOG.filter((c) => c.id === 'en-fr-additive' || c.id === 'reverse-additive');
    expect(defaultSelection(few)).toEqual(['en-fr-additive', 'reverse-additive']);
    expect(defaultSelection([])).toEqual([]);
  });

  it('shares one colour domain: [0, 1] for weights, the union of the ranges for scores', async () => {
    const s = useStore.getState();
    const { analyse } = await import('../../../src/model/analysis');
    const traces = (['en-fr-additive', 'en-fr-dot'] as const).map((id) => analyse({ model: s.models[id]!, source: SOURCE, target: '', decoding: 'greedy', beamWidth: 1, edits: new Map() }).trace);
    expect(sharedDomain(traces, 'weights')).toEqual([0, 1]);
    const [lo, hi] = sharedDomain(traces, 'scores');
    for (const t of traces) for (const st of t!.steps) for (const v of st.scores!) expect(v >= lo && v <= hi).toBe(true);
  });

  it('agreement counts the steps whose argmax matches and marks the cells that differ', async () => {
    const s = useStore.getState();
    const { analyse } = await import('../../../src/model/analysis');
    const target = 'le chat assis sur le tapis .';
    const a = analyse({ model: s.models['en-fr-additive']!, source: SOURCE, target, decoding: 'greedy', beamWidth: 1, edits: new Map() }).trace!;
    const d = analyse({ model: s.models['en-fr-diagonal']!, source: SOURCE, target, decoding: 'greedy', beamWidth: 1, edits: new Map() }).trace!;
    const self = agreement(a, a)!;
    expect(self.compared).toBe(a.steps.length);
    expect(self.agree).toBe(a.steps.length);
    expect(self.differs.size).toBe(0);
    const ag = agreement(d, a)!;
    expect(ag.compared).toBe(a.steps.length);
    expect(ag.agree + ag.differs.size).toBe(ag.compared);
  });
});

describe('CompareView', () => {
  it('shows the default variants side by side with their test BLEU and AER, output, heatmaps on one scale', async () => {
    render(<CompareView />);
    expect(cards()).toHaveLength(4);
    const additive = card(/Additive \(Bahdanau\)/);
    expect(within(additive).getByText('97.7')).toBeTruthy();
    expect(within(additive).getByText('0.082')).toBeTruthy();
    expect(within(additive).getByText(/Output:/)).toBeTruthy();
    expect(within(additive).getByRole('grid', { name: /Additive \(Bahdanau\) · en-fr: weights α/ })).toBeTruthy();
    expect(within(additive).getByText(/The reference/)).toBeTruthy();
    // none: its translation, no heatmap, and it says so
    const none = card(/No attention/);
    expect(within(none).queryByRole('grid')).toBeNull();
    expect(within(none).getByText(/No attention, so no heatmap/)).toBeTruthy();
    expect(within(none).getByText('– (no weights)')).toBeTruthy();
    // diagonal and dot are compared with additive
    expect(within(card(/Hard-coded diagonal/)).getByText(/Largest weight on the same source word as Additive \(Bahdanau\) at \d+ of \d+ steps/)).toBeTruthy();
    expect(screen.getAllByRole('grid')).toHaveLength(3);
    // one scale: the colour bars all read 0 … 1
    expect(screen.getByText(/weights α from 0 to 1, the same for every heatmap/)).toBeTruthy();
    // the missing variants are named
    expect(screen.getByText(/Not shipped \(yet\) for English.*General \(bilinear\), Scaled dot product/)).toBeTruthy();
  });

  it('marks the cells whose largest weight differs from additive (forced on one target)', async () => {
    render(<CompareView />);
    fireEvent.change(screen.getByRole('textbox', { name: /Target sentence for every model/ }), { target: { value: 'le chat assis sur le tapis .' } });
    await waitFor(() => expect(screen.getByText(/Forced decoding: every model reads your translation/)).toBeTruthy());
    const diag = card(/Hard-coded diagonal/);
    expect(within(diag).getByText(/Your target under this model:/)).toBeTruthy();
    const text = within(diag).getByText(/Largest weight on the same source word/).textContent ?? '';
    const [, agree, n] = /at (\d+) of (\d+) steps/.exec(text) ?? [];
    const marked = within(diag).getAllByRole('gridcell').filter((c) => c.classList.contains('marked'));
    expect(marked).toHaveLength(Number(n) - Number(agree));
    for (const c of marked) expect(c.getAttribute('aria-label')).toMatch(/\(differs from additive\)$/);
  });

  it('picks two to four models with checkboxes; scores share one range', async () => {
    render(<CompareView />);
    const box = (name: RegExp) => screen.getByRole('checkbox', { name });
    // four chosen: the others wait
    expect((screen.getAllByRole('checkbox', { name: /Additive \(Bahdanau\)/ })[1] as HTMLInputElement).disabled).toBe(true);
    fireEvent.click(box(/No attention/));
    expect(cards()).toHaveLength(3);
    fireEvent.click(box(/Hard-coded diagonal/));
    fireEvent.click(box(/Dot product/));
    expect(cards()).toHaveLength(1);
    expect(screen.getByText('Pick at least two models to compare.')).toBeTruthy();
    fireEvent.click(box(/Dot product/));
    fireEvent.click(screen.getByRole('radio', { name: 'scores e' }));
    expect(screen.getByText(/Colour scale: scores e from −?\d+\.\d to −?\d+\.\d, shared by every heatmap/)).toBeTruthy();
    expect(screen.getAllByRole('grid').map((g) => g.getAttribute('aria-label'))).toEqual(['Additive (Bahdanau) · en-fr: scores e', 'Dot product · en-fr: scores e']);
  });

  it('a model that fails to load says why, can be retried, and leaves the others working', async () => {
    const calls: string[] = [];
    vi.stubGlobal(
      'fetch',
      fakeFetch({
        'en-fr-general/manifest.json': () => {
          calls.push('general');
          return new Response('gone', { status: 500 });
        },
      }),
    );
    installCatalog([...CATALOG, { id: 'en-fr-general', task: 'en-fr', variant: 'general', title: 'general', metrics: { bleu: 95 }, bytes: 1 }]);
    render(<CompareView />);
    fireEvent.click(screen.getByRole('checkbox', { name: /No attention/ }));
    fireEvent.click(screen.getByRole('checkbox', { name: /General \(bilinear\)/ }));
    const general = card(/General \(bilinear\)/);
    expect(within(general).getByRole('status').textContent).toMatch(/Loading the model “en-fr-general”/);
    const alert = await within(general).findByRole('alert');
    expect(alert.textContent).toMatch(/could not be loaded: could not fetch the manifest of en-fr-general: HTTP 500/);
    expect((within(general).getByRole('button', { name: /Open in the explorer/ }) as HTMLButtonElement).disabled).toBe(true);
    expect(screen.getAllByRole('grid')).toHaveLength(3);
    fireEvent.click(within(alert).getByRole('button', { name: 'Try again' }));
    await waitFor(() => expect(calls).toHaveLength(2));
    await within(general).findByRole('alert');
  });

  it('“open in the explorer” loads that model with the sentence and switches view', async () => {
    render(<CompareView />);
    fireEvent.change(screen.getByRole('textbox', { name: 'Source sentence' }), { target: { value: 'the dog ran .' } });
    fireEvent.click(within(card(/Dot product/)).getByRole('button', { name: /Open in the explorer/ }));
    const s = useStore.getState();
    expect(s.page).toBe('explore');
    expect(s.modelId).toBe('en-fr-dot');
    expect(s.source).toBe('the dog ran .');
    expect(s.analysis?.trace?.variant).toBe('dot');
  });

  it('waits for the catalog, and says so when it cannot be loaded', async () => {
    useStore.setState({ catalog: null });
    const { rerender } = render(<CompareView />);
    expect(screen.getByRole('status').textContent).toMatch(/Loading the list of shipped models/);
    act(() => useStore.setState({ catalog: [], catalogError: 'HTTP 404' }));
    rerender(<CompareView />);
    expect(screen.getByRole('status').textContent).toMatch(/could not be loaded: HTTP 404/);
  });

  it('has no axe violations', async () => {
    render(
      <main>
        <h1>RNNsearch</h1>
        <CompareView />
      </main>,
    );
    expect(await axeViolations()).toEqual([]);
  });
});

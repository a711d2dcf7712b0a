// @vitest-environment jsdom
// The memory page: the hop view (rows = sentences, a column per hop, gold facts outlined, the
// answer, the hop slider, the chosen hop's scores and vectors), live edits, bad input, training.
import { act, cleanup, fireEvent, render, screen, within } from '@testing-library/react';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { memoryTrainReason } from '../../../src/store/errorReason';
import { answerStory, MEMORY_MODELS, storySentences, useMemoryStore } from '../../../src/store/memory';
import { useStore } from '../../../src/store/store';
import { MEMORY_ERROR_CODES, type MemoryErrorCode } from '../../../src/worker/memoryProtocol';
import { HopView } from '../../../src/ui/memory/HopView';
import { MemoryView } from '../../../src/ui/views/MemoryView';
import { smallMemoryModel } from '../../model/memnn/fixtures';
import { axeViolations } from '../views/setup';

const STORY = 'John went to the bedroom.\nJohn picked up the football.\nMary moved to the garden.\nJohn travelled to the office.';
const initial = useMemoryStore.getState();

beforeEach(() => {
  const models = Object.fromEntries(MEMORY_MODELS.map((id, k) => [id, { state: 'ready' as const, model: smallMemoryModel(k === 0 ? 3 : 1), metrics: { accuracyTwoFact: 0.5 } }]));
  useMemoryStore.setState({ ...initial, models, story: STORY, question: 'Where is the football?', hop: 0 });
});
afterEach(() => {
  cleanup();
  useMemoryStore.setState(initial, true);
  useStore.setState({ lang: 'en' });
});

describe('HopView', () => {
  it('shows each sentence with one weight per hop (each column sums to 1), the gold facts outlined, and the answer', () => {
    const r = answerStory(smallMemoryModel(), STORY, 'Where is the football?');
    if ('error' in r) throw r.error;
    render(<HopView trace={r.trace} lines={r.lines} hop={0} onHop={() => undefined} label="test" />);
    const table = screen.getByRole('table');
    const rows = within(table).getAllByRole('row').slice(1);
    expect(rows).toHaveLength(4);
    for (let h = 0; h < 3; h++) {
      const column = rows.map((row) => Number(row.querySelectorAll('td.hv-cell')[h]?.getAttribute('data-weight')));
      expect(column.reduce((a, b) => a + b, 0)).toBeCloseTo(1, 3);
    }
    // gold: "picked up" (row 2) and "travelled to the office" (row 4)
    expect(rows.map((row) => row.classList.contains('hv-gold'))).toEqual([false, true, false, true]);
    expect(screen.getByText(/The story says: office/)).toBeTruthy();
    expect(screen.getByText(new RegExp(`^Answer: ${r.trace.answers[0]?.token}, probability`))).toBeTruthy();
  });

  it('the slider moves between hops: the score column and the vectors follow it', () => {
    render(<MemoryView />);
    const slider = screen.getByRole('slider', { name: 'Hop' });
    expect(screen.getByRole('columnheader', { name: 'u·mᵢ (hop 1)' })).toBeTruthy();
    const scoresAt = (): string[] => within(screen.getByRole('table')).getAllByRole('row').slice(1).map((r) => r.lastElementChild?.textContent ?? '');
    const first = scoresAt();
    fireEvent.change(slider, { target: { value: '3' } });
    expect(useMemoryStore.getState().hop).toBe(2);
    expect(screen.getByRole('columnheader', { name: 'u·mᵢ (hop 3)' })).toBeTruthy();
    expect(screen.getByText('Vectors of hop 3 (8 numbers each)')).toBeTruthy();
    expect(scoresAt()).not.toEqual(first);
  });

  it('recomputes on every edit of the story or question, and says what is wrong with bad input', () => {
    render(<MemoryView />);
    const story = screen.getByLabelText('Story (one sentence per line)');
    fireEvent.change(story, { target: { value: `${STORY}\nSandra went to the kitchen.` } });
    expect(within(screen.getByRole('table')).getAllByRole('row')).toHaveLength(6);
    fireEvent.change(screen.getByLabelText('Question'), { target: { value: 'Where is Sandra?' } });
    expect(screen.getByText(/The story says: kitchen/)).toBeTruthy();
    fireEvent.change(screen.getByLabelText('Question'), { target: { value: '   ' } });
    expect(screen.getByText(/Ask a question/)).toBeTruthy();
    fireEvent.change(story, { target: { value: '' } });
    expect(screen.getByText(/Write a story/)).toBeTruthy();
    fireEvent.change(screen.getByLabelText('Question'), { target: { value: 'Where is Zorro?' } });
    fireEvent.change(story, { target: { value: 'Zorro flew to the moon.' } });
    expect(screen.getByText(/does not know.*zorro, flew, moon/)).toBeTruthy();
    expect(screen.getByText(/does not say where/)).toBeTruthy();
    // the typed text is kept as typed
    expect((story as HTMLTextAreaElement).value).toBe('Zorro flew to the moon.');
  });

  it('switches networks, says when one cannot be loaded, and passes axe', async () => {
    render(<MemoryView />);
    const picker = screen.getByLabelText('Network');
    fireEvent.change(picker, { target: { value: MEMORY_MODELS[1] } });
    expect(screen.queryByRole('slider')).toBeNull(); // one hop: nothing to slide
    expect(within(screen.getByRole('table')).getAllByRole('columnheader')).toHaveLength(4);
    act(() => useMemoryStore.setState((s) => ({ models: { ...s.models, [MEMORY_MODELS[1]]: { state: 'error', message: 'HTTP 404' } } })));
    expect(screen.getByRole('alert').textContent).toMatch(/Could not load the network babi-memn2n-1hop: HTTP 404/);
    act(() => useMemoryStore.getState().selectModel(MEMORY_MODELS[0]));
    expect(await axeViolations()).toEqual([]);
  });

  it('says what is wrong with bad input in the reader’s language', () => {
    useStore.setState({ lang: 'zh' });
    render(<MemoryView />);
    fireEvent.change(screen.getByLabelText('问题'), { target: { value: `Where is ${'the football '.repeat(10)}?` } });
    expect(screen.getByText(/^有一句太长：网络每句最多读 \d+ 个词。$/)).toBeTruthy();
    fireEvent.change(screen.getByLabelText('问题'), { target: { value: ' ' } });
    expect(screen.getByText('请提一个问题，例如“Where is Mary?”。')).toBeTruthy();
  });

  it('a training run that stopped says why in the reader’s language, for every code, its technical words only inside', () => {
    const english: Record<MemoryErrorCode, string> = {
      'bad-command': 'Training stopped: the page sent a command the worker cannot read (hops must be 1, 2 or 3)',
      'unreadable-command': 'Training stopped: a command from the page could not be read by the worker',
      failed: 'Training stopped: the training failed (out of memory)',
      'bad-event': 'Training stopped: the training worker sent a message the page cannot read',
      crashed: 'Training stopped: the training worker failed (boom)',
      'unreadable-event': 'Training stopped: a message from the training worker could not be read',
    };
    const details: Partial<Record<MemoryErrorCode, string>> = { 'bad-command': 'hops must be 1, 2 or 3', failed: 'out of memory', crashed: 'boom' };
    expect(Object.keys(english).sort()).toEqual([...MEMORY_ERROR_CODES].sort());
    for (const code of MEMORY_ERROR_CODES) {
      useMemoryStore.setState({ training: { ...initial.training, status: 'error', message: memoryTrainReason({ code, detail: details[code] ?? '' }) } });
      for (const lang of ['en', 'zh'] as const) {
        useStore.setState({ lang });
        const { container, unmount } = render(<MemoryView />);
        const text = [...container.querySelectorAll('.notice-inline.warn')].at(-1)?.textContent ?? '';
        if (lang === 'en') expect(text).toBe(english[code]);
        else expect(text, code).toMatch(/^训练已停止：\p{Script=Han}/u);
        if (details[code]) expect(text).toContain(`${lang === 'en' ? '(' : '（'}${details[code]}`);
        unmount();
      }
    }
  });

  it('splits a story into sentences by line or full stop, keeping the typed text', () => {
    expect(storySentences('Mary went to the kitchen. John got the milk.\n\n  Sandra moved to the office  ').lines).toEqual([
      'Mary went to the kitchen.',
      'John got the milk.',
      'Sandra moved to the office',
    ]);
    expect(storySentences('...\n!!').tokens).toEqual([]);
  });
});

describe('MemoryView and the address bar', () => {
  it('opens the state a link names, and writes edits back', () => {
    history.replaceState(null, '', '/#view=memory&mnet=babi-memn2n-1hop&mstory=Daniel%20went%20to%20the%20office.&mq=Where%20is%20Daniel%3F&mhop=1');
    render(<MemoryView />);
    const s = useMemoryStore.getState();
    expect([s.modelId, s.story, s.question, s.hop]).toEqual(['babi-memn2n-1hop', 'Daniel went to the office.', 'Where is Daniel?', 0]);
    expect(screen.getByText(/The story says: office/)).toBeTruthy();
    fireEvent.change(screen.getByLabelText('Question'), { target: { value: 'Where is Mary?' } });
    expect(new URLSearchParams(location.hash.slice(1)).get('mq')).toBe('Where is Mary?');
    history.replaceState(null, '', '/');
  });
});

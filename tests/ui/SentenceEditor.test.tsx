// @vitest-environment jsdom
import { fireEvent, render, screen } from '@testing-library/react';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { useStore } from '../../src/store/store';
import { SentenceEditor } from '../../src/ui/panels/SentenceEditor';
import { Stepper } from '../../src/ui/panels/Stepper';
import { resetStore, setUp } from './panels/helpers';

beforeEach(resetStore);
afterEach(resetStore);

describe('SentenceEditor', () => {
  it('recomputes as the user types; a target switches to forced decoding; empty shows the empty state', async () => {
    await setUp('additive', 'the cat .');
    render(<SentenceEditor />);
    const [source, target] = screen.getAllByRole('textbox') as [HTMLTextAreaElement, HTMLTextAreaElement];
    fireEvent.change(source, { target: { value: 'the dog ran .' } });
    expect(useStore.getState().analysis?.sourceTokens).toEqual(['the', 'dog', 'ran', '.']);
    expect(screen.getByText(/Free decoding/)).toBeTruthy();
    fireEvent.change(target, { target: { value: 'le chien .' } });
    expect(useStore.getState().analysis?.mode).toBe('forced');
    expect(screen.getByText(/Forced decoding/)).toBeTruthy();
    fireEvent.change(source, { target: { value: '' } });
    expect(screen.getByText(/nothing to attend to/)).toBeTruthy();
  });

  it('marks unknown words and notes truncation', async () => {
    await setUp('additive', 'the zebra and the unicorn .');
    render(<SentenceEditor />);
    expect(screen.getByText(/unknown word/)).toBeTruthy();
    const unk = document.querySelectorAll('.token-list li.unk');
    expect(Array.from(unk).map((li) => li.textContent)).toEqual(['zebra', 'and', 'unicorn']);
    fireEvent.change(screen.getAllByRole('textbox')[0] as HTMLElement, { target: { value: Array.from({ length: 300 }, () => 'cat').join(' ') } });
    expect(screen.getByText(/cut to 256 tokens \(it had 300\)/)).toBeTruthy();
  });

  it('a pasted text too long to read whole is kept in the box and noted: the characters read of the whole, and the tokens', async () => {
    await setUp('additive', 'the cat .');
    render(<SentenceEditor />);
    const source = screen.getAllByRole('textbox')[0] as HTMLTextAreaElement;
    const pasted = 'the cat sat on the mat . '.repeat(28_000); // 700,000 characters
    fireEvent.change(source, { target: { value: pasted } });
    expect(source.value).toBe(pasted);
    expect(screen.getByText(/^The source is too long to read whole: only its first 4,0\d\d of 700,000 characters are read \(256 tokens\)\.$/)).toBeTruthy();
    // the token cap's own note is not shown beside it
    expect(screen.queryByText(/cut to 256 tokens/)).toBeNull();
  });

  it('HTML in a sentence is shown as text, never parsed', async () => {
    await setUp('additive', '<b>bold</b> <script>alert(1)</script>');
    render(<SentenceEditor />);
    expect(document.querySelector('.token-list b')).toBeNull();
    expect(document.querySelector('.token-list script')).toBeNull();
    expect(document.querySelector('.token-list')?.textContent).toContain('script');
  });
});

describe('Stepper', () => {
  it('buttons and keyboard shortcuts move through the steps', async () => {
    await setUp('additive', 'the cat sat .', 'le chat assis .');
    render(<Stepper />);
    const n = useStore.getState().analysis?.trace?.steps.length ?? 0;
    fireEvent.click(screen.getByRole('button', { name: 'Last step' }));
    expect(useStore.getState().step).toBe(n - 1);
    fireEvent.click(screen.getByRole('button', { name: 'First step' }));
    expect(useStore.getState().step).toBe(0);
    fireEvent.click(screen.getByRole('button', { name: 'Next step' }));
    expect(useStore.getState().step).toBe(1);
    fireEvent.keyDown(window, { key: 'ArrowRight' });
    expect(useStore.getState().step).toBe(2);
    fireEvent.keyDown(window, { key: 'Home' });
    expect(useStore.getState().step).toBe(0);
    fireEvent.keyDown(window, { key: 'End' });
    expect(useStore.getState().step).toBe(n - 1);
    fireEvent.change(screen.getByRole('slider'), { target: { value: '1' } });
    expect(useStore.getState().step).toBe(1);
    expect(screen.getByText(/Step 2 of/)).toBeTruthy();
  });
});

describe('SentenceEditor: sampling', () => {
  it('offers sampling with temperature, top-k and seed; another sample moves the seed; the next-word panel says what was sampled from', async () => {
    await setUp('additive');
    const { Predictions } = await import('../../src/ui/panels/Predictions');
    render(
      <>
        <SentenceEditor />
        <Predictions />
      </>,
    );
    fireEvent.click(screen.getByRole('radio', { name: 'Sample' }));
    expect(useStore.getState().decoding).toBe('sample');
    fireEvent.change(screen.getByLabelText('Temperature'), { target: { value: '1.5' } });
    fireEvent.change(screen.getByLabelText('Top-k (0: all)'), { target: { value: '3' } });
    expect(useStore.getState().sample).toEqual({ temperature: 1.5, topK: 3, seed: 1 });
    fireEvent.click(screen.getByRole('button', { name: 'Another sample' }));
    expect(useStore.getState().sample.seed).toBe(2);
    expect(screen.getByTestId('tempered').textContent).toMatch(/softmax\(log p \/ 1\.50?\) over the 3 most probable words/);
    fireEvent.change(screen.getByLabelText('Temperature'), { target: { value: '-4' } });
    expect(useStore.getState().sample.temperature).toBe(0.05);
  });
});

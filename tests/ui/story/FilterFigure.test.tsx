// @vitest-environment jsdom
// The weighted-average chapter's figure: the picked pixel moves with the keys, the readout is the
// model's own numbers, the controls recompute, the denoised image arrives in short tasks.
import { act, cleanup, fireEvent, render, screen, waitFor } from '@testing-library/react';
import { afterEach, describe, expect, it } from 'vitest';
import { addNoise, testImage } from '../../../src/data/image';
import { DEFAULT_NLM, pixelAttention } from '../../../src/model/nonlocal';
import { fmt } from '../../../src/ui/format';
import { FilterFigure } from '../../../src/ui/story/FilterFigure';

afterEach(cleanup);

describe('FilterFigure', () => {
  it('shows the picked pixel’s numbers, moves with the arrow keys, and recomputes when the temperature changes', async () => {
    render(<FilterFigure caption="caption" />);
    const readout = screen.getByTestId('nlm-readout');
    const noisy = addNoise(testImage(64), 0.1, 1);
    const expected = pixelAttention(noisy, 13, 48, DEFAULT_NLM);
    expect(readout.textContent).toContain('Pixel (13, 48)');
    expect(readout.textContent).toContain(`average ${fmt(expected.output, 3)}`);
    const canvas = screen.getByTestId('nlm-noisy');
    fireEvent.keyDown(canvas, { key: 'ArrowRight' });
    fireEvent.keyDown(canvas, { key: 'ArrowUp', shiftKey: true });
    expect(readout.textContent).toContain('Pixel (14, 40)');
    for (let k = 0; k < 20; k++) fireEvent.keyDown(canvas, { key: 'ArrowLeft', shiftKey: true });
    expect(readout.textContent).toContain('Pixel (0, 40)'); // clamped at the border
    const before = readout.textContent;
    fireEvent.change(screen.getByLabelText('Temperature h'), { target: { value: '0.4' } });
    expect(readout.textContent).not.toBe(before);
    expect(readout.textContent).toContain(`average ${fmt(pixelAttention(noisy, 0, 40, { ...DEFAULT_NLM, h: 0.4 }).output, 3)}`);
    await waitFor(() => expect(screen.getByRole('img', { name: 'Denoised: every pixel averaged' }).getAttribute('aria-busy')).toBe('false'), { timeout: 10_000 });
    await act(async () => {
      fireEvent.change(screen.getByLabelText('Patch'), { target: { value: '3' } });
    });
    expect(screen.getByRole('img', { name: 'Denoised: every pixel averaged' }).getAttribute('aria-busy')).toBe('true');
    expect(screen.getByRole('table', { name: 'The same three lines' })).toBeTruthy();
  });
});

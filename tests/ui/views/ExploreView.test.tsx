// @vitest-environment jsdom
// The explorer draws a sentence's heatmap first and its panels in the frames after, top first, each
// group in a task of its own (usePanelStage, src/ui/views/ExploreView.tsx); with an empty box there
// are no panels.
import { act, render, screen, waitFor } from '@testing-library/react';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { useStore } from '../../../src/store/store';
import { ExploreView } from '../../../src/ui/views/ExploreView';
import { resetStore, setUp } from '../panels/helpers';

beforeEach(resetStore);
afterEach(resetStore);

const stepPanel = (): HTMLElement | null => screen.queryByRole('heading', { level: 2, name: /^Step \d+/ });
const equations = (): HTMLElement | null => screen.queryByRole('heading', { level: 2, name: /^The equations/ });

describe('the explorer', () => {
  it('paints the heatmap before the panels, and shows no panels for an empty box', async () => {
    await act(() => setUp('additive', 'the cat sat on the mat .'));
    render(<ExploreView />);
    expect(screen.getByRole('grid')).toBeTruthy();
    await waitFor(() => expect(stepPanel()).toBeTruthy());
    // an empty box: no heatmap and no panels that would only say so
    await act(async () => useStore.getState().setSource(''));
    expect(screen.queryByRole('grid')).toBeNull();
    expect(stepPanel()).toBeNull();
    // a new sentence: its heatmap at once, the panels after the frame that paints it
    await act(async () => useStore.getState().setSource('the dog sat .'));
    expect(screen.getByRole('columnheader', { name: 'dog' })).toBeTruthy();
    expect(stepPanel()).toBeNull();
    expect(document.querySelector('.workspace')?.getAttribute('aria-busy')).toBe('true');
    await waitFor(() => expect(stepPanel()).toBeTruthy());
    // the lower panels a frame after the upper ones
    expect(equations()).toBeNull();
    await waitFor(() => expect(equations()).toBeTruthy());
    expect(document.querySelector('.workspace')?.hasAttribute('aria-busy')).toBe(false);
    // a change of sentence with panels on screen updates them in the same render
    await act(async () => useStore.getState().setSource('the cat sat .'));
    expect(stepPanel()).toBeTruthy();
    expect(equations()).toBeTruthy();
  });
});

// @vitest-environment jsdom
// useWidth measures an element of unknown width at once (clientWidth forces a layout), and a named
// one mounted again starts from its last width without reading the layout in React's commit: the
// ResizeObserver's first report corrects it before the next paint.
import { act, cleanup, render, screen } from '@testing-library/react';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { useWidth } from '../../src/ui/hooks';

let reads = 0;
let layoutWidth = 480;
const observers: Array<{ cb: ResizeObserverCallback; el: Element | null }> = [];

class FakeResizeObserver {
  private readonly entry: { cb: ResizeObserverCallback; el: Element | null };
  constructor(cb: ResizeObserverCallback) {
    this.entry = { cb, el: null };
    observers.push(this.entry);
  }
  observe(el: Element): void {
    this.entry.el = el;
  }
  disconnect(): void {
    this.entry.el = null;
  }
  unobserve(): void {}
}

function report(width: number): void {
  for (const o of observers) {
    if (!o.el) continue;
    o.cb([{ contentRect: { width } } as unknown as ResizeObserverEntry], o as unknown as ResizeObserver);
  }
}

function Probe({ name }: { name?: string }) {
  const [ref, width] = useWidth<HTMLDivElement>(name);
  return (
    <div ref={ref} data-testid="probe">
      {width}
    </div>
  );
}

beforeEach(() => {
  reads = 0;
  layoutWidth = 480;
  observers.length = 0;
  vi.stubGlobal('ResizeObserver', FakeResizeObserver);
  vi.spyOn(HTMLElement.prototype, 'clientWidth', 'get').mockImplementation(() => {
    reads++;
    return layoutWidth;
  });
});

afterEach(() => {
  cleanup();
  vi.unstubAllGlobals();
  vi.restoreAllMocks();
});

describe('useWidth', () => {
  it('measures the first element at once, then follows the observer', () => {
    render(<Probe name="test.first" />);
    expect(reads).toBe(1);
    expect(screen.getByTestId('probe').textContent).toBe('480');
    act(() => report(300.4));
    expect(screen.getByTestId('probe').textContent).toBe('300');
  });

  it('a named panel mounted again starts from its last width and forces no layout', () => {
    const first = render(<Probe name="test.again" />);
    act(() => report(512));
    first.unmount();
    reads = 0;
    layoutWidth = 999; // what a forced layout would give: never read
    render(<Probe name="test.again" />);
    expect(reads).toBe(0);
    expect(screen.getByTestId('probe').textContent).toBe('512');
    act(() => report(640));
    expect(screen.getByTestId('probe').textContent).toBe('640');
  });

  it('an unnamed panel is measured again on every mount', () => {
    render(<Probe />).unmount();
    reads = 0;
    render(<Probe />);
    expect(reads).toBe(1);
  });
});

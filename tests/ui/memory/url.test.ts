// @vitest-environment jsdom
import { describe, expect, it } from 'vitest';
import { withOtherParams } from '../../../src/ui/boot';
import { memoryOf, withMemory } from '../../../src/ui/memory/url';

describe('the Memory page in the URL', () => {
  it('round-trips network, story (newlines and all), question and hop, keeping other parameters', () => {
    const state = { modelId: 'babi-memn2n-1hop', story: 'Mary went to the kitchen.\nJohn got the milk & left?', question: 'Where is the milk?', hop: 0 };
    const hash = withMemory('#s=AbC-_9&view=story&chapter=4', state);
    expect(hash.startsWith('#s=AbC-_9&view=memory&chapter=4&')).toBe(true);
    expect(memoryOf(hash)).toEqual(state);
  });

  it('ignores what is not valid, field by field', () => {
    expect(memoryOf('#mnet=en-fr-additive&mhop=4&mq=' + 'x'.repeat(201))).toEqual({});
    expect(memoryOf('#mnet=babi-memn2n-3hop&mhop=0&mstory=' + 'y'.repeat(4001))).toEqual({ modelId: 'babi-memn2n-3hop' });
    // a network trained in the page cannot travel: the link names the shipped 3-hop one
    expect(memoryOf(withMemory('', { modelId: 'trained', story: 's', question: 'q', hop: 2 }))).toEqual({ modelId: 'babi-memn2n-3hop', story: 's', question: 'q', hop: 2 });
  });

  it('the URL sync keeps the Memory page’s parameters on that page only', () => {
    const current = '#s=old&view=memory&mnet=babi-memn2n-1hop&mq=Where%20is%20Mary%3F&chapter=2';
    expect(withOtherParams('#s=new&view=memory', current, 'memory')).toBe('#s=new&view=memory&mnet=babi-memn2n-1hop&mq=Where%20is%20Mary%3F');
    expect(withOtherParams('#s=new', current, 'explore')).toBe('#s=new');
  });
});

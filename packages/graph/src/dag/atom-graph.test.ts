import { atomGraph } from './atom-graph.js';

describe('atomGraph', () => {
  it('keeps every atom and one edge per (from, to, kind), labelled with the edge', () => {
    const call = { from: 'a', to: 'b', kind: 'call', symbol: 'f' };
    const type = { from: 'a', to: 'b', kind: 'type', symbol: 'T' };
    const graph = atomGraph(['a', 'b', 'lonely'], [call, type]);
    expect(graph.nodes()).toEqual(['a', 'b', 'lonely']);
    expect(graph.edgeCount()).toBe(2);
    expect(graph.edge('a', 'b', 'type')).toBe(type);
    expect(graph.successors('a')).toEqual(['b']);
    expect(graph.predecessors('lonely')).toEqual([]);
  });
});

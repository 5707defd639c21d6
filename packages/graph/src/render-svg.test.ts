import { renderGraphSvg } from './render-svg.js';

describe('renderGraphSvg', () => {
  it('draws one column per wave and highlights the critical path', () => {
    const svg = renderGraphSvg({
      atoms: [
        { id: 'a', label: 'calc.py: calculate' },
        { id: 'b', label: 'calc.py: result <&>' },
        { id: 'c', label: 'calc.py: greet' },
      ],
      edges: [{ from: 'a', to: 'b', kind: 'call' }],
      waves: [['a', 'c'], ['b']],
      criticalPath: ['a', 'b'],
    });
    expect(svg).toMatch(/^<svg xmlns="http:\/\/www.w3.org\/2000\/svg"/);
    expect(svg).toContain('wave 1 (2)');
    expect(svg).toContain('wave 2 (1)');
    expect(svg).toContain('result &#60;&#38;&#62;');
    expect(svg.match(/stroke="#d62728"/g)).toHaveLength(3); // two critical boxes and their edge
  });
});

import { chunkedFile, edgeLines, graphOf } from './test-support/chunked-file.js';

describe('dependency graph of a Python plan', () => {
  it('puts calculate and greet in the first wave and result after calculate', () => {
    const graph = graphOf(
      chunkedFile('calc.py', {
        calculate: 'def calculate(x):\n    return x * 2\n\n',
        result: 'result = calculate(10)\n\n',
        greet: 'def greet(name):\n    return "hello " + name\n',
      }),
    );
    expect(edgeLines(graph)).toEqual(['calc.py:calculate -> calc.py:result (call)']);
    expect(graph.waves).toEqual([['calc.py:calculate', 'calc.py:greet'], ['calc.py:result']]);
  });

  const models = chunkedFile('shop/models.py', {
    Base: 'class Base:\n    pass\n\n\n',
    Book: 'class Book(Base):\n    title: str = ""\n',
  });
  const init = chunkedFile('shop/__init__.py', { imports: 'from .models import Book as Volume\n' });
  const service = chunkedFile('shop/service.py', {
    imports:
      'from . import Volume as V\nfrom shop.models import Base\nimport shop.models as m\n\n\n',
    price: 'def price(book: V, title) -> float:\n    return len(title) * RATE\n\n\n',
    make: 'def make(Base):\n    return m.Book(), price(None, Base)\n\n\n',
    ping: 'def ping(n):\n    return pong(n - 1)\n\n\n',
    pong: 'def pong(n):\n    return ping(n)\n\n\n',
    Novel: 'class Novel(Base):\n    def price(self):\n        return price(self, "")\n\n\n',
    RATE: 'RATE = 1.5\n',
  });
  const graph = graphOf(models, init, service);

  it('resolves relative, absolute and package re-exported imports, with types, calls and inheritance', () => {
    expect(edgeLines(graph)).toEqual([
      'shop/__init__.py:imports -> shop/service.py:imports (import)',
      'shop/models.py:Base -> shop/models.py:Book (inheritance)',
      'shop/models.py:Base -> shop/service.py:Novel (inheritance)',
      'shop/models.py:Base -> shop/service.py:imports (import)',
      'shop/models.py:Book -> shop/__init__.py:imports (import)',
      'shop/models.py:Book -> shop/service.py:imports (import)',
      'shop/models.py:Book -> shop/service.py:make (call)',
      'shop/models.py:Book -> shop/service.py:price (type)',
      'shop/service.py:RATE -> shop/service.py:price (data)',
      'shop/service.py:imports -> shop/service.py:Novel (import)',
      'shop/service.py:imports -> shop/service.py:make (import)',
      'shop/service.py:imports -> shop/service.py:price (import)',
      'shop/service.py:ping -> shop/service.py:pong (call)',
      'shop/service.py:pong -> shop/service.py:ping (call)',
      'shop/service.py:price -> shop/service.py:Novel (call)',
      'shop/service.py:price -> shop/service.py:make (call)',
    ]);
  });

  it('lets a parameter shadow an imported name, and a method call the module-level function of the same name', () => {
    expect(
      graph.edges.filter((e) => e.to === 'shop/service.py:make' && e.symbol === 'Base'),
    ).toEqual([]);
    expect(graph.edges).toContainEqual(
      expect.objectContaining({
        from: 'shop/service.py:price',
        to: 'shop/service.py:Novel',
        kind: 'call',
      }),
    );
  });

  it('makes mutual recursion one group', () => {
    expect(graph.cycleGroups).toEqual([['shop/service.py:ping', 'shop/service.py:pong']]);
  });

  it('binds a module-level reference to the assignment before it, not a later reassignment', () => {
    const g = graphOf(
      chunkedFile('m.py', {
        first: 'x = 1\n',
        use: 'y = x + 1\n',
        again: 'x = 2\n',
        later: 'z = x\n',
      }),
    );
    expect(edgeLines(g)).toEqual([
      'm.py:again -> m.py:later (data)',
      'm.py:first -> m.py:use (data)',
    ]);
  });

  it('resolves names from a star import and from a sibling module imported by plain name', () => {
    const g = graphOf(
      chunkedFile('pkg/consts.py', { PI: 'PI = 3.14\n' }),
      chunkedFile('pkg/area.py', {
        imports: 'from .consts import *\nimport consts\n',
        area: 'def area(r):\n    return PI * r * consts.PI\n',
      }),
    );
    expect(edgeLines(g)).toEqual([
      'pkg/area.py:imports -> pkg/area.py:area (import)',
      'pkg/consts.py:PI -> pkg/area.py:area (data)',
      'pkg/consts.py:PI -> pkg/area.py:imports (import)',
    ]);
  });
});

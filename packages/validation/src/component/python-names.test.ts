import { pythonNameDiagnostics } from './python-names.js';

const plan = (files: Record<string, string>) =>
  Object.entries(files).map(([path, code]) => ({ file: { path, atoms: [] }, code }));

describe('pythonNameDiagnostics (Python L3)', () => {
  it('finds names a module defines inside module-level try/if blocks', () => {
    const files = plan({
      'pkg/__init__.py': '',
      'pkg/compat.py':
        'try:\n    import ujson as json\nexcept ImportError:\n    json = None\nif True:\n    def dumps(x): return x\n',
      'pkg/app.py': 'from .compat import json, dumps\nfrom . import compat\ncompat.dumps(1)\n',
    });
    expect(pythonNameDiagnostics(files, undefined, [])).toEqual([]);
  });

  it('still reports a name the module does not define, and a wrong argument count', () => {
    const files = plan({
      'pkg/__init__.py': '',
      'pkg/money.py': 'a, b = 1, 2\ndef add(x, y):\n    return x + y\n',
      'pkg/app.py': 'from .money import a, b, c\nfrom .money import add\nadd(1)\n',
    });
    expect(pythonNameDiagnostics(files, undefined, []).map((d) => [d.line, d.message])).toEqual([
      [1, 'cannot import name "c" from pkg/money.py'],
      [3, 'add() takes 2 positional arguments but 1 were given'],
    ]);
  });

  it('does not report a name imported under try/except ImportError', () => {
    const files = plan({
      'pkg/__init__.py': '',
      'pkg/money.py': 'def add(x, y):\n    return x + y\n',
      'pkg/app.py':
        'try:\n    from .money import fast_add as add\nexcept ImportError:\n    from .money import add\n',
    });
    expect(pythonNameDiagnostics(files, undefined, [])).toEqual([]);
  });
});

import type { SandboxSupport } from './detect.js';
import { sandboxReport, selectBackend, SandboxUnavailableError } from './select-backend.js';

const tools = { prlimit: '/usr/bin/prlimit', setpriv: '/usr/bin/setpriv' };
const both: SandboxSupport = {
  ...tools,
  bwrap: '/usr/bin/bwrap',
  unshare: '/usr/bin/unshare',
  reasons: {},
};
const noBwrap: SandboxSupport = {
  ...both,
  bwrap: undefined,
  reasons: { bwrap: 'bwrap is not installed (apt-get install bubblewrap)' },
};
const neither: SandboxSupport = {
  ...noBwrap,
  unshare: undefined,
  reasons: { ...noBwrap.reasons, unshare: 'unshare cannot create a sandbox here: EPERM' },
};

describe('selectBackend', () => {
  it('takes bwrap, else unshare, and advises only what would be better', () => {
    expect(selectBackend(both, 'auto', false)).toEqual({ backend: 'bwrap', advice: '' });
    expect(selectBackend(noBwrap, 'auto', false)).toEqual({
      backend: 'unshare',
      advice: 'bwrap is not installed (apt-get install bubblewrap)',
    });
    // A reason against unshare does not matter while bwrap runs.
    const bwrapOnly = { ...both, unshare: undefined, reasons: { unshare: 'x' } };
    expect(selectBackend(bwrapOnly, 'auto', false)).toEqual({ backend: 'bwrap', advice: '' });
  });

  it('falls back to weak only when allowed, else says what to install', () => {
    expect(selectBackend(neither, 'auto', true).backend).toBe('weak');
    expect(() => selectBackend(neither, 'auto', false)).toThrow(SandboxUnavailableError);
    expect(sandboxReport(neither, 'auto', false)).toEqual({
      backend: null,
      advice: expect.stringMatching(/apt-get install bubblewrap.*EPERM.*MGE_SANDBOX=weak/),
    });
  });

  it('honours a forced backend only when it can run; weak is always possible', () => {
    expect(selectBackend(both, 'unshare', false).backend).toBe('unshare');
    expect(() => selectBackend(noBwrap, 'bwrap', true)).toThrow(
      /MGE_SANDBOX=bwrap but bwrap is not installed/,
    );
    expect(selectBackend(both, 'weak', false).backend).toBe('weak');
  });

  it('needs prlimit for every backend', () => {
    expect(() => selectBackend({ ...both, prlimit: undefined }, 'weak', true)).toThrow(/prlimit/);
  });
});

import { collectionNameProblem, tenantCollection } from './collections.js';

describe('collection names', () => {
  it.each(['examples', 'mge-t1-plans', 'a.b_c-9'])('accepts %j', (name) => {
    expect(collectionNameProblem(name)).toBeUndefined();
  });

  it.each(['ab', '-examples', 'examples.', 'a..b', 'with space', 'x'.repeat(513)])(
    'refuses %j',
    (name) => {
      expect(collectionNameProblem(name)).toMatch(/3-512 letters/);
    },
  );

  it('gives each tenant and source its own valid collection', () => {
    const names = [
      tenantCollection('6f1c2a9e-1b2c-4d5e-8f90-123456789abc', 'plans'),
      tenantCollection('6f1c2a9e-1b2c-4d5e-8f90-123456789abc', 'documents'),
      tenantCollection('acme corp/eu', 'plans'),
    ];
    expect(new Set(names).size).toBe(3);
    for (const name of names) expect(collectionNameProblem(name)).toBeUndefined();
    expect(names[2]).toMatch(/^mge-acme-corp-eu-[0-9a-f]{12}-plans$/);
    expect(tenantCollection('acme-corp-eu', 'plans')).toBe('mge-acme-corp-eu-plans');
    expect(tenantCollection('acme corp-eu', 'plans')).not.toBe(names[2]);
  });
});

import { atomsToUnblock, type GraphAtom } from './review-unblock.js';

const atom = (id: string, status: string, cycleGroup: number | null = null): GraphAtom => ({
  id,
  status,
  cycleGroup,
});

describe('atomsToUnblock', () => {
  it('frees the dependents of an approved atom with their open prerequisites counted', () => {
    // a -> b -> c, a -> c; a was just approved (validated).
    const atoms = [atom('a', 'validated'), atom('b', 'blocked'), atom('c', 'blocked')];
    const edges = [
      { from: 'a', to: 'b' },
      { from: 'b', to: 'c' },
      { from: 'a', to: 'c' },
    ];
    expect(atomsToUnblock(atoms, edges)).toEqual([
      { id: 'b', pending: 0 },
      { id: 'c', pending: 1 },
    ]);
  });

  it('keeps blocked an atom that still has another failed atom upstream', () => {
    const atoms = [
      atom('a', 'validated'),
      atom('x', 'failed'),
      atom('b', 'blocked'),
      atom('c', 'blocked'),
    ];
    const edges = [
      { from: 'a', to: 'b' },
      { from: 'x', to: 'c' },
      { from: 'b', to: 'c' },
    ];
    expect(atomsToUnblock(atoms, edges)).toEqual([{ id: 'b', pending: 0 }]);
  });

  it('counts an atom sent back to generation as an open prerequisite', () => {
    const atoms = [atom('a', 'ready'), atom('b', 'blocked')];
    expect(atomsToUnblock(atoms, [{ from: 'a', to: 'b' }])).toEqual([{ id: 'b', pending: 1 }]);
  });

  it('ignores edges inside a cycle group and terminates on cycles', () => {
    const atoms = [atom('a', 'validated'), atom('b', 'blocked', 0), atom('c', 'blocked', 0)];
    const edges = [
      { from: 'a', to: 'b' },
      { from: 'b', to: 'c' },
      { from: 'c', to: 'b' },
    ];
    expect(atomsToUnblock(atoms, edges)).toEqual([
      { id: 'b', pending: 0 },
      { id: 'c', pending: 0 },
    ]);
  });
});

import { atomTimeline } from './atom-timeline';

const at = new Date('2026-11-29T12:00:00Z');
const atom = { id: 'a1', draftCode: 'draft', code: null, attempt: 0, status: 'pending' as const };
const none = { refused: [], usage: [], reviews: [] };
const refused = (attempt: number, answer: string | null = `answer ${attempt}`) => ({
  attempt,
  errorCategory: 'syntax',
  message: `line 1: attempt ${attempt} broke`,
  answer,
  at,
});

describe('atomTimeline', () => {
  it('shows no attempt before the first one is claimed', () => {
    expect(atomTimeline(atom, none)).toMatchObject({ attempts: [], code: null, codeBy: null });
  });

  it('shows the attempt in flight after the refused ones, without an answer yet', () => {
    const view = atomTimeline(
      { ...atom, status: 'running', attempt: 2 },
      {
        ...none,
        refused: [refused(1)],
      },
    );
    expect(view.attempts.map((a) => [a.attempt, a.outcome, a.answer])).toEqual([
      [1, 'refused', 'answer 1'],
      [2, 'running', null],
    ]);
  });

  describe('when a later level refused an accepted answer and the next attempt passed', () => {
    it('keeps the refused answer and shows the accepted one as the code, by the model', () => {
      const view = atomTimeline(
        { ...atom, status: 'validated', attempt: 2, code: 'answer 2' },
        {
          refused: [{ ...refused(1), errorCategory: 'module' }],
          usage: [
            { attempt: 1, calls: 1, tokens: 120, dollars: 0.01, simulated: false },
            { attempt: 2, calls: 2, tokens: 300, dollars: 0.02, simulated: false },
          ],
          reviews: [],
        },
      );
      expect(view.codeBy).toBe('model');
      expect(view.attempts).toEqual([
        expect.objectContaining({ attempt: 1, outcome: 'refused', errorCategory: 'module' }),
        expect.objectContaining({ attempt: 2, outcome: 'accepted', answer: 'answer 2' }),
      ]);
      expect(view.attempts[1]!.usage).toEqual({
        calls: 2,
        tokens: 300,
        dollars: 0.02,
        simulated: false,
      });
    });
  });

  describe('when a reviewer edited the code after the attempts ran out', () => {
    it('says the code is the reviewer’s and adds no attempt for it', () => {
      const view = atomTimeline(
        { ...atom, status: 'validated', attempt: 2, code: 'human code' },
        {
          refused: [refused(1), refused(2, null)],
          usage: [],
          reviews: [
            { status: 'edited', reason: 'failed', note: null, resolvedBy: 'ada', resolvedAt: at },
          ],
        },
      );
      expect(view.codeBy).toBe('reviewer');
      expect(view.attempts.map((a) => [a.outcome, a.answer])).toEqual([
        ['refused', 'answer 1'],
        ['refused', null],
      ]);
      expect(view.reviews[0]!.resolvedAt).toBe(at.toISOString());
    });
  });
});

import { TEST_REDIS_URL, uniqueQueuePrefix } from '@test/services';
import { createLlmBudget, type LlmBudget, type LlmSpend } from './llm-budget.js';

const spend = (inputTokens: number, outputTokens: number): LlmSpend => ({
  requests: 1,
  inputTokens,
  outputTokens,
});
const limits = { requests: 5, inputTokens: 1000, outputTokens: 300 };

describe('createLlmBudget (real Redis)', () => {
  let prefix: string;
  const opened: LlmBudget[] = [];
  const open = (windowMs = 60_000) => {
    const budget = createLlmBudget(TEST_REDIS_URL, prefix, windowMs);
    opened.push(budget);
    return budget;
  };

  beforeEach(() => {
    prefix = uniqueQueuePrefix();
  });
  afterEach(async () => {
    await Promise.all(opened.splice(0).map((b) => b.close()));
  });

  it('grants what fits, refuses whole what does not, with the wait until room frees', async () => {
    const budget = open(60_000);
    expect(await budget.reserve('m', 'a', spend(600, 100), limits)).toEqual({ granted: true });
    const refused = await budget.reserve('m', 'b', spend(500, 100), limits);
    expect(refused.granted).toBe(false);
    expect(!refused.granted && refused.waitMs).toBeGreaterThan(59_000);
    expect(!refused.granted && refused.waitMs).toBeLessThanOrEqual(60_001);
    // Refused whole: nothing of `b` was taken.
    expect(await budget.used('m')).toEqual({ requests: 1, inputTokens: 600, outputTokens: 100 });
    // Output binds too, and each model has its own budget.
    expect((await budget.reserve('m', 'c', spend(100, 201), limits)).granted).toBe(false);
    expect((await budget.reserve('other', 'd', spend(600, 300), limits)).granted).toBe(true);
  });

  it('settles a reservation to the real usage, refunding what the call did not use', async () => {
    const budget = open();
    await budget.reserve('m', 'a', spend(900, 300), limits);
    expect((await budget.reserve('m', 'b', spend(200, 50), limits)).granted).toBe(false);
    await budget.settle('m', 'a', spend(700, 40));
    expect(await budget.used('m')).toEqual({ requests: 1, inputTokens: 700, outputTokens: 40 });
    expect((await budget.reserve('m', 'b', spend(200, 50), limits)).granted).toBe(true);
  });

  it('frees the window as entries age out of it', async () => {
    const budget = open(300);
    for (let i = 0; i < 5; i++) await budget.reserve('m', `r${i}`, spend(1, 1), limits);
    const refused = await budget.reserve('m', 'late', spend(1, 1), limits);
    expect(refused.granted).toBe(false);
    await new Promise((r) => setTimeout(r, refused.granted ? 0 : refused.waitMs));
    // The wait is until the oldest entry leaves: then there is room again.
    expect((await budget.reserve('m', 'late', spend(1, 1), limits)).granted).toBe(true);
    expect((await budget.used('m')).requests).toBeLessThanOrEqual(5);
    await new Promise((r) => setTimeout(r, 350));
    expect(await budget.used('m')).toEqual({ requests: 0, inputTokens: 0, outputTokens: 0 });
  });

  it('counts a call larger than a whole window as the limit, so it can pass when it is empty', async () => {
    const budget = open();
    expect((await budget.reserve('m', 'big', spend(5000, 10), limits)).granted).toBe(true);
    expect((await budget.used('m')).inputTokens).toBe(1000);
  });

  it('never grants more than the limits to many clients racing for one window', async () => {
    const clients = Array.from({ length: 4 }, () => open());
    const granted = await Promise.all(
      Array.from({ length: 40 }, (_, i) =>
        clients[i % clients.length]!.reserve('m', `race-${i}`, spend(150, 10), limits),
      ),
    );
    // 1000 input tokens allow six calls of 150, but five requests bind first.
    expect(granted.filter((g) => g.granted)).toHaveLength(5);
    expect(await clients[0]!.used('m')).toEqual({
      requests: 5,
      inputTokens: 750,
      outputTokens: 50,
    });
  });
});

import { findPlan, listAtoms, listPlanEdges, listPlanUsage, type Db } from '@mge/db';

export interface RunFigures {
  atoms: number;
  /** First atom ready -> last atom settled (the generation phase). */
  makespanMs: number;
  /** Sum of LLM latencies along the heaviest dependency chain: no schedule can beat it. */
  criticalPathBoundMs: number;
  /** Most LLM calls in flight at once, from the recorded call intervals (all processes). */
  maxInFlight: number;
  /** Median over atoms of (settled - ready - its last call's latency): queue + database work. */
  overheadMsPerAtom: number;
  atomsPerSecond: number;
  llmCalls: number;
  attempts: { atomsRetried: number; failed: number };
  cost: {
    inputTokens: number;
    outputTokens: number;
    cachedTokens: number;
    cacheWriteTokens: number;
    dollars: number;
    promptCacheShare: number;
  };
  /** True when every call came from the `sim` provider: the figures are simulated. */
  simulated: boolean;
  status: string;
}

/** Measures a finished plan from what Postgres recorded, so executor processes may be many. */
export async function runFigures(db: Db, planId: string): Promise<RunFigures> {
  const [plan, atoms, usage, edges] = await Promise.all([
    findPlan(db, planId),
    listAtoms(db, planId),
    listPlanUsage(db, planId),
    listPlanEdges(db, planId),
  ]);
  const latencyByAtom = new Map<string, number>();
  const lastLatency = new Map<string, { attempt: number; ms: number }>();
  for (const u of usage) {
    if (!u.atomId) continue;
    latencyByAtom.set(u.atomId, (latencyByAtom.get(u.atomId) ?? 0) + (u.latencyMs ?? 0));
    const last = lastLatency.get(u.atomId);
    if (!last || (u.attempt ?? 0) > last.attempt)
      lastLatency.set(u.atomId, { attempt: u.attempt ?? 0, ms: u.latencyMs ?? 0 });
  }

  const readyTimes = atoms.flatMap((a) => (a.readyAt ? [a.readyAt.getTime()] : []));
  const settledTimes = atoms.flatMap((a) => (a.settledAt ? [a.settledAt.getTime()] : []));
  const makespanMs =
    readyTimes.length && settledTimes.length
      ? Math.max(...settledTimes) - Math.min(...readyTimes)
      : 0;
  const overheads = atoms
    .filter((a) => a.readyAt && a.settledAt)
    .map((a) => a.settledAt!.getTime() - a.readyAt!.getTime() - (lastLatency.get(a.id)?.ms ?? 0));

  const totals = usage.reduce(
    (t, u) => ({
      inputTokens: t.inputTokens + u.inputTokens,
      outputTokens: t.outputTokens + u.outputTokens,
      cachedTokens: t.cachedTokens + u.cachedTokens,
      cacheWriteTokens: t.cacheWriteTokens + u.cacheWriteTokens,
      dollars: t.dollars + Number(u.dollars),
    }),
    { inputTokens: 0, outputTokens: 0, cachedTokens: 0, cacheWriteTokens: 0, dollars: 0 },
  );
  const promptTokens = totals.inputTokens + totals.cachedTokens + totals.cacheWriteTokens;
  return {
    atoms: atoms.length,
    makespanMs,
    criticalPathBoundMs: heaviestChain(
      atoms.map((a) => a.id),
      edges,
      latencyByAtom,
    ),
    maxInFlight: maxOverlap(
      usage.flatMap((u) =>
        u.startedAt
          ? [[u.startedAt.getTime(), u.startedAt.getTime() + (u.latencyMs ?? 0)] as const]
          : [],
      ),
    ),
    overheadMsPerAtom: median(overheads),
    atomsPerSecond: makespanMs > 0 ? (atoms.length * 1000) / makespanMs : 0,
    llmCalls: usage.length,
    attempts: {
      atomsRetried: atoms.filter((a) => a.attempt > 1).length,
      failed: atoms.filter((a) => a.status === 'failed').length,
    },
    cost: {
      ...totals,
      dollars: Math.round(totals.dollars * 1e6) / 1e6,
      promptCacheShare: promptTokens ? totals.cachedTokens / promptTokens : 0,
    },
    simulated: usage.length > 0 && usage.every((u) => u.simulated),
    status: plan?.status ?? 'missing',
  };
}

/** Longest path by node weight over a DAG (edges prerequisite -> dependent). */
export function heaviestChain(
  ids: readonly string[],
  edges: readonly { from: string; to: string }[],
  weight: ReadonlyMap<string, number>,
): number {
  const preds = new Map<string, string[]>(ids.map((id) => [id, []]));
  const indegree = new Map<string, number>(ids.map((id) => [id, 0]));
  const next = new Map<string, string[]>(ids.map((id) => [id, []]));
  for (const { from, to } of edges) {
    if (!preds.has(to) || !preds.has(from) || from === to) continue;
    preds.get(to)!.push(from);
    next.get(from)!.push(to);
    indegree.set(to, indegree.get(to)! + 1);
  }
  const best = new Map<string, number>();
  const queue = ids.filter((id) => indegree.get(id) === 0);
  let longest = 0;
  while (queue.length > 0) {
    const id = queue.shift()!;
    const here =
      Math.max(0, ...preds.get(id)!.map((p) => best.get(p) ?? 0)) + (weight.get(id) ?? 0);
    best.set(id, here);
    longest = Math.max(longest, here);
    for (const n of next.get(id)!) {
      indegree.set(n, indegree.get(n)! - 1);
      if (indegree.get(n) === 0) queue.push(n);
    }
  }
  return longest;
}

/** Most intervals overlapping at one instant (sweep line). */
export function maxOverlap(intervals: readonly (readonly [number, number])[]): number {
  const events = intervals
    .flatMap(
      ([s, e]) =>
        [
          [s, 1],
          [e, -1],
        ] as const,
    )
    .sort((a, b) => a[0] - b[0] || a[1] - b[1]);
  let current = 0;
  let max = 0;
  for (const [, delta] of events) {
    current += delta;
    max = Math.max(max, current);
  }
  return max;
}

function median(values: number[]): number {
  if (values.length === 0) return 0;
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}

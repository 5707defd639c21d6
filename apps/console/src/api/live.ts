import { useQueryClient } from '@tanstack/react-query';
import { useEffect, useRef, useState } from 'react';
import { refreshSession, socketParams, tenantScope } from '../auth/session';
import { keys, planScopedKeys } from './keys';
import { FINAL_PLAN_STATUSES, type AtomStatus, type PlanStatus } from '@mge/core/domain';

/** A frame of `WS /ws/masterplan/:id` (docs/architecture.md "Live progress"). */
type Frame =
  | {
      type: 'snapshot';
      seq: number;
      plan: { status: PlanStatus };
      spent: { dollars: number; tokens: number } | null;
      atoms: { id: string; status: AtomStatus; attempt: number }[];
    }
  | { seq: number; type: 'plan'; status: PlanStatus }
  | { seq: number; type: 'atom'; atomId: string; status: AtomStatus; attempt?: number }
  | { seq: number; type: 'task' }
  | { seq: number; type: 'cost'; spentDollars: number; spentTokens: number; simulated: boolean };

export interface LiveState {
  connected: boolean;
  /** Each atom's status as last told by the socket (fresher than the last fetch). */
  atomStatus: ReadonlyMap<string, AtomStatus>;
  spent: { dollars: number; tokens: number; simulated: boolean } | null;
}

const FLUSH_MS = 250;

/**
 * One live-progress socket (`/ws/masterplan/:id`, `/ws/discovery/:id`): connects, hands each frame
 * to `onFrame`, and reconnects after a drop with `?since=` the last seq seen (backing off up to
 * 10 s; refreshing the session cookie when the upgrade was refused). `connected` says whether it is
 * up now: pages poll while it is not.
 */
function useLiveSocket<F extends { seq: number }>(
  path: string,
  onFrame: (frame: F) => void,
  enabled: boolean,
  /** The first connection's `?since=`; undefined starts with a snapshot. */
  from?: number,
): boolean {
  const [connected, setConnected] = useState(false);
  // The latest handler without reconnecting when it changes.
  const handler = useRef(onFrame);
  handler.current = onFrame;

  useEffect(() => {
    if (!enabled) return;
    let socket: WebSocket | undefined;
    let seq = from;
    let stopped = false;
    let retry: ReturnType<typeof setTimeout> | undefined;
    let backoff = 500;

    const connect = () => {
      const url = new URL(path, window.location.href);
      url.protocol = url.protocol === 'https:' ? 'wss:' : 'ws:';
      for (const [name, value] of Object.entries(socketParams())) url.searchParams.set(name, value);
      if (seq !== undefined) url.searchParams.set('since', String(seq));
      socket = new WebSocket(url);
      let opened = false;
      socket.onopen = () => {
        opened = true;
        backoff = 500;
        setConnected(true);
      };
      socket.onmessage = (message) => {
        const frame = JSON.parse(String(message.data)) as F;
        seq = frame.seq;
        handler.current(frame);
      };
      socket.onclose = () => {
        setConnected(false);
        if (stopped) return;
        // Refused at the upgrade: the access cookie may have expired; refresh it before retrying.
        if (!opened) void refreshSession();
        retry = setTimeout(connect, backoff);
        backoff = Math.min(backoff * 2, 10_000);
      };
    };
    connect();
    return () => {
      stopped = true;
      clearTimeout(retry);
      socket?.close();
    };
  }, [path, enabled, from]);

  return connected;
}

/**
 * Follows a plan's live progress. Events are signals: each invalidates the queries it may change
 * (batched every 250 ms), which refetch; atom colours update at once from the frames. While the
 * socket is down, pages poll (see `pollInterval`).
 */
export function useLiveProgress(planId: string, enabled = true): LiveState {
  const client = useQueryClient();
  const [state, setState] = useState<Omit<LiveState, 'connected'>>({
    atomStatus: new Map(),
    spent: null,
  });
  const flush = useRef<ReturnType<typeof setTimeout> | undefined>(undefined);
  useEffect(() => () => clearTimeout(flush.current), []);

  const connected = useLiveSocket<Frame>(
    `/ws/masterplan/${planId}`,
    (frame) => {
      const tenant = tenantScope();
      const invalidate = (atomId?: string) => {
        if (atomId) void client.invalidateQueries({ queryKey: keys.atom(tenant, atomId) });
        flush.current ??= setTimeout(() => {
          flush.current = undefined;
          for (const queryKey of planScopedKeys(tenant, planId))
            void client.invalidateQueries({ queryKey });
          void client.invalidateQueries({ queryKey: ['plans', tenant] });
        }, FLUSH_MS);
      };
      if (frame.type === 'snapshot') {
        setState((s) => ({
          ...s,
          atomStatus: new Map(frame.atoms.map((a) => [a.id, a.status])),
          spent: frame.spent ? { ...frame.spent, simulated: s.spent?.simulated ?? false } : s.spent,
        }));
        invalidate();
      } else if (frame.type === 'atom') {
        setState((s) => ({
          ...s,
          atomStatus: new Map(s.atomStatus).set(frame.atomId, frame.status),
        }));
        invalidate(frame.atomId);
      } else if (frame.type === 'cost') {
        const spent = {
          dollars: frame.spentDollars,
          tokens: frame.spentTokens,
          simulated: frame.simulated,
        };
        setState((s) => ({ ...s, spent }));
      } else invalidate();
    },
    enabled,
  );

  return { ...state, connected };
}

/** A frame of `WS /ws/discovery/:id` (docs/architecture.md "Live progress"). */
type DiscoveryFrame =
  | { type: 'snapshot'; seq: number; discovery: { status: string } }
  | {
      seq: number;
      type: 'planner';
      step: string;
      status: PlannerStepStatus;
      attempt?: number;
      message?: string;
    }
  | { seq: number; type: 'cost'; spentDollars: number; spentTokens: number }
  | { seq: number; type: 'discovery'; status: string; error?: string };

export type PlannerStepStatus = 'queued' | 'started' | 'calling' | 'retrying' | 'done' | 'failed';

/** One planner step as the socket last told it. */
export interface PlannerStep {
  step: string;
  status: PlannerStepStatus;
  attempt?: number;
  message?: string;
}

export interface DiscoveryLive {
  connected: boolean;
  /** Each step's latest state, in the order the steps started. */
  steps: PlannerStep[];
  spent: { dollars: number; tokens: number } | null;
}

/**
 * Follows a discovery's live progress: its planner steps (queued, retrieval, each attempt, the
 * feedback of a rejected answer) and spending as they happen; the document is refetched when a
 * step or its status changes, and polled while the socket is down. It reads the stream from its
 * start (`?since=0`; a discovery's is a few frames per attempt), so a page opened mid-run or
 * later shows every step.
 */
export function useDiscoveryProgress(discoveryId: string, enabled = true): DiscoveryLive {
  const client = useQueryClient();
  const [state, setState] = useState<Omit<DiscoveryLive, 'connected'>>({ steps: [], spent: null });
  const connected = useLiveSocket<DiscoveryFrame>(
    `/ws/discovery/${discoveryId}`,
    (frame) => {
      if (frame.type === 'cost')
        setState((s) => ({
          ...s,
          spent: { dollars: frame.spentDollars, tokens: frame.spentTokens },
        }));
      else if (frame.type === 'planner') {
        const { step, status, attempt, message } = frame;
        setState((s) => {
          const steps = s.steps.filter((x) => x.step !== step);
          const at = s.steps.findIndex((x) => x.step === step);
          steps.splice(at < 0 ? steps.length : at, 0, { step, status, attempt, message });
          return { ...s, steps };
        });
      }
      if (frame.type !== 'cost')
        void client.invalidateQueries({ queryKey: keys.discovery(tenantScope(), discoveryId) });
    },
    enabled,
    0,
  );
  return { ...state, connected };
}

/**
 * Status-aware polling, the fallback when the socket is down: 1 s while the plan works, 5 s while
 * it waits (paused, under review), none once it is settled or while the socket is up.
 */
export function pollInterval(status: PlanStatus | undefined, connected: boolean): number | false {
  if (connected || !status) return false;
  if (FINAL_PLAN_STATUSES.includes(status)) return false;
  return ['paused', 'needs_review'].includes(status) ? 5000 : 1000;
}

import { MultiBar, Presets } from 'cli-progress';
import type { PlanView } from '@mge/pipeline';

const STAGES = ['atomize', 'graph', 'generate', 'validate'] as const;

/** Live progress bars per stage on a TTY; one line per change otherwise (CI logs). */
export function createProgressView(stream: NodeJS.WriteStream = process.stderr) {
  if (!stream.isTTY) {
    let last = '';
    return {
      update(view: PlanView) {
        const line = `${view.status.padEnd(12)} ${STAGES.map((s) => `${s} ${view.progress[s].done}/${view.progress[s].total}`).join('  ')}`;
        if (line !== last) stream.write(`${line}\n`);
        last = line;
      },
      stop() {},
    };
  }
  const multibar = new MultiBar(
    {
      stream,
      format: ' {stage} [{bar}] {value}/{total} {note}',
      clearOnComplete: false,
      hideCursor: true,
      barsize: 30,
    },
    Presets.shades_classic,
  );
  const bars = Object.fromEntries(
    STAGES.map((s) => [s, multibar.create(1, 0, { stage: s.padEnd(8), note: '' })]),
  );
  return {
    update(view: PlanView) {
      for (const stage of STAGES) {
        const p = view.progress[stage];
        bars[stage]!.setTotal(Math.max(p.total, 1));
        bars[stage]!.update(p.done, {
          stage: stage.padEnd(8),
          note: p.failed > 0 ? `(${p.failed} failed)` : '',
        });
      }
    },
    stop: () => multibar.stop(),
  };
}

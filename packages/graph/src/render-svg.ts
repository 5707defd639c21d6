/** What the picture needs: a label per atom, the edges, the waves and the critical path. */
export interface SvgInput {
  atoms: readonly { id: string; label: string }[];
  edges: readonly { from: string; to: string; kind: string }[];
  waves: readonly (readonly string[])[];
  criticalPath: readonly string[];
  cycleGroups?: readonly (readonly string[])[];
}

const BOX_W = 200;
const BOX_H = 26;
const COL_GAP = 90;
const ROW_GAP = 12;
const MARGIN = 24;
const HEADER = 28;

/**
 * Draws the DAG with one column per wave (left to right in generation order) and the critical
 * path in red. Rows inside a wave follow the average row of each atom's prerequisites (one
 * barycentre pass), which removes most crossings at no cost; no layout library is needed because
 * the waves already are the layers.
 */
export function renderGraphSvg(input: SvgInput): string {
  const label = new Map(input.atoms.map((a) => [a.id, a.label]));
  const preds = new Map<string, string[]>();
  for (const e of input.edges) preds.set(e.to, [...(preds.get(e.to) ?? []), e.from]);
  const row = new Map<string, number>();
  const columns = input.waves.map((wave) => {
    const keyed = wave.map((id, i) => {
      const rows = (preds.get(id) ?? [])
        .map((p) => row.get(p))
        .filter((r): r is number => r !== undefined);
      return { id, key: rows.length > 0 ? rows.reduce((a, b) => a + b, 0) / rows.length : i };
    });
    keyed.sort((a, b) => a.key - b.key);
    keyed.forEach((k, i) => row.set(k.id, i));
    return keyed.map((k) => k.id);
  });

  const x = (wave: number) => MARGIN + wave * (BOX_W + COL_GAP);
  const y = (r: number) => MARGIN + HEADER + r * (BOX_H + ROW_GAP);
  const pos = new Map<string, { x: number; y: number }>();
  columns.forEach((ids, w) => ids.forEach((id, r) => pos.set(id, { x: x(w), y: y(r) })));
  const width = Math.max(1, columns.length) * (BOX_W + COL_GAP) - COL_GAP + 2 * MARGIN;
  const height =
    MARGIN * 2 + HEADER + Math.max(1, ...columns.map((c) => c.length)) * (BOX_H + ROW_GAP);

  const critical = new Set(input.criticalPath);
  const criticalEdges = new Set(
    input.criticalPath.slice(1).map((id, i) => `${input.criticalPath[i]}>${id}`),
  );
  const grouped = new Set((input.cycleGroups ?? []).flat());
  const out: string[] = [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" font-family="sans-serif" font-size="11">`,
    '<defs><marker id="arrow" viewBox="0 0 10 10" refX="10" refY="5" markerWidth="6" markerHeight="6" orient="auto"><path d="M0,0 L10,5 L0,10 z" fill="#888"/></marker>',
    '<marker id="arrow-critical" viewBox="0 0 10 10" refX="10" refY="5" markerWidth="6" markerHeight="6" orient="auto"><path d="M0,0 L10,5 L0,10 z" fill="#d62728"/></marker></defs>',
    `<rect width="${width}" height="${height}" fill="white"/>`,
  ];
  columns.forEach((ids, w) =>
    out.push(
      `<text x="${x(w)}" y="${MARGIN + 12}" font-weight="bold">wave ${w + 1} (${ids.length})</text>`,
    ),
  );
  const drawn = new Set<string>();
  for (const e of input.edges) {
    const a = pos.get(e.from);
    const b = pos.get(e.to);
    const key = `${e.from}>${e.to}`;
    if (!a || !b || drawn.has(key)) continue;
    drawn.add(key);
    const hot = criticalEdges.has(key);
    const [x1, y1, x2, y2] = [a.x + BOX_W, a.y + BOX_H / 2, b.x, b.y + BOX_H / 2];
    const mid = (x1 + x2) / 2;
    out.push(
      `<path d="M${x1},${y1} C${mid},${y1} ${mid},${y2} ${x2},${y2}" fill="none" stroke="${hot ? '#d62728' : '#bbb'}" stroke-width="${hot ? 2 : 1}" marker-end="url(#${hot ? 'arrow-critical' : 'arrow'})"><title>${escapeXml(`${e.kind}: ${label.get(e.from) ?? e.from} -> ${label.get(e.to) ?? e.to}`)}</title></path>`,
    );
  }
  for (const [id, p] of pos) {
    const hot = critical.has(id);
    const text = label.get(id) ?? id;
    out.push(
      `<g><title>${escapeXml(id)}</title><rect x="${p.x}" y="${p.y}" width="${BOX_W}" height="${BOX_H}" rx="4" fill="${hot ? '#fde2e2' : '#eef3fb'}" stroke="${hot ? '#d62728' : '#6b8fc7'}" stroke-width="${hot ? 2 : 1}"${grouped.has(id) ? ' stroke-dasharray="4 2"' : ''}/>`,
      `<text x="${p.x + 6}" y="${p.y + 17}">${escapeXml(text.length > 32 ? `${text.slice(0, 31)}…` : text)}</text></g>`,
    );
  }
  out.push('</svg>');
  return `${out.join('\n')}\n`;
}

function escapeXml(text: string): string {
  return text.replace(/[<>&"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

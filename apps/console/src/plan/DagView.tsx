import dagre, { type EdgeLabel, type GraphLabel, type NodeLabel } from '@dagrejs/dagre';
import { Background, Controls, Position, ReactFlow, type Edge, type Node } from '@xyflow/react';
import '@xyflow/react/dist/style.css';
import { useMemo } from 'react';
import { useLocation } from 'wouter';
import type { AtomStatus } from '@mge/core/domain';
import type { DependencyGraph } from '../api/types';
import { STATUS_COLORS } from '../ui/status';

const WIDTH = 190;
const HEIGHT = 44;

/** Dagre positions (left to right, prerequisites first) of the graph's atoms. */
function layout(graph: DependencyGraph): Map<string, { x: number; y: number }> {
  const g = new dagre.graphlib.Graph<GraphLabel, NodeLabel, EdgeLabel>();
  g.setGraph({ rankdir: 'LR', nodesep: 16, ranksep: 48 });
  g.setDefaultEdgeLabel(() => ({}));
  for (const a of graph.atoms) g.setNode(a.id, { width: WIDTH, height: HEIGHT });
  for (const e of graph.edges) g.setEdge(e.from, e.to);
  dagre.layout(g);
  return new Map(
    graph.atoms.map((a) => {
      const { x = 0, y = 0 } = g.node(a.id);
      return [a.id, { x: x - WIDTH / 2, y: y - HEIGHT / 2 }];
    }),
  );
}

/**
 * The dependency graph: the layout is computed once per graph, the colours follow `status`
 * (live from the socket); edges into a running atom are animated, the critical path is bold.
 */
export function DagView({
  graph,
  status,
}: {
  graph: DependencyGraph;
  status: (id: string) => AtomStatus;
}) {
  const [, navigate] = useLocation();
  const positions = useMemo(() => layout(graph), [graph]);
  const critical = useMemo(() => {
    const path = graph.criticalPath;
    return new Set(path.slice(1).map((to, i) => `${path[i]}>${to}`));
  }, [graph]);

  const nodes: Node[] = graph.atoms.map((a) => {
    const c = STATUS_COLORS[status(a.id)];
    return {
      id: a.id,
      position: positions.get(a.id)!,
      // Known dimensions: React Flow shows the node without waiting to measure it again after
      // each live update (nodes are rebuilt as colours change).
      width: WIDTH,
      height: HEIGHT,
      data: { label: `${a.name}` },
      ariaLabel: `${a.file} ${a.name}: ${status(a.id)}`,
      className: 'text-xs',
      style: {
        background: c.fill,
        color: c.text,
        borderColor: c.border,
        borderWidth: 2,
      },
      sourcePosition: Position.Right,
      targetPosition: Position.Left,
      connectable: false,
      draggable: false,
    };
  });
  const edges: Edge[] = graph.edges.map((e) => ({
    id: `${e.from}>${e.to}`,
    source: e.from,
    target: e.to,
    animated: status(e.to) === 'running',
    style: critical.has(`${e.from}>${e.to}`)
      ? { strokeWidth: 3, stroke: '#0f172a' }
      : { stroke: '#64748b' },
  }));

  return (
    <div data-testid="dag" className="h-[28rem] rounded border border-slate-200 bg-white">
      <ReactFlow
        nodes={nodes}
        edges={edges}
        fitView
        minZoom={0.1}
        nodesConnectable={false}
        onNodeClick={(_e, node) => navigate(`/atoms/${node.id}`)}
      >
        <Background />
        <Controls showInteractive={false} />
      </ReactFlow>
    </div>
  );
}

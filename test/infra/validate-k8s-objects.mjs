// Validates Kubernetes objects (a JSON array on stdin) against the OpenAPI-derived validators that
// the `kubernetes-models` packages ship (core kinds from the Kubernetes OpenAPI spec, KEDA kinds
// from KEDA's CRDs). Those packages are ES modules and Jest here runs CommonJS, so the test runs
// this file as a child process. Prints `[{ kind, name, errors: [...] }]`, one entry per object.
import { readFileSync } from 'node:fs';

/** apiVersion -> the package directory holding its models. */
function modulePath(apiVersion, kind) {
  const [group, version] = apiVersion.includes('/') ? apiVersion.split('/') : ['', apiVersion];
  if (group === 'keda.sh') return `@kubernetes-models/keda/keda.sh/${version}/${kind}`;
  return `kubernetes-models/${group ? `${group}/` : ''}${version}/${kind}`;
}

const objects = JSON.parse(readFileSync(0, 'utf8'));
const results = [];
for (const object of objects) {
  const name = object.metadata?.name ?? '(unnamed)';
  const path = modulePath(String(object.apiVersion), String(object.kind));
  let Model;
  try {
    Model = (await import(path))[object.kind];
  } catch {
    results.push({
      kind: object.kind,
      name,
      errors: [`no schema for ${object.apiVersion} ${object.kind}`],
    });
    continue;
  }
  try {
    new Model(object).validate();
    results.push({ kind: object.kind, name, errors: [] });
  } catch (error) {
    results.push({ kind: object.kind, name, errors: [String(error.message ?? error)] });
  }
}
process.stdout.write(JSON.stringify(results));

import { firstRefAtOrAfter } from './atom-facts.js';
import { RefRole, type SyntaxScan } from './syntax-scan.js';

/**
 * Calls that make an atom nondeterministic or effectful, keyed by qualified name as written
 * (`Math.random`) or by qualifier alone (`fs` means any `fs.x`). Matched on identifier and
 * member nodes of the AST with their qualifier, so `format` never matches `or` and a local
 * variable named `random` is not `random.random`.
 */
const NONDETERMINISTIC = new Set([
  'Math.random',
  'Date.now',
  'performance.now',
  'crypto.randomUUID',
  'crypto.randomBytes',
  'crypto.getRandomValues',
  'randomUUID',
  'randomBytes',
  'random',
  'secrets',
  'time.time',
  'time.time_ns',
  'time.monotonic',
  'time.perf_counter',
  'datetime.now',
  'datetime.utcnow',
  'date.today',
  'uuid.uuid1',
  'uuid.uuid4',
  'os.urandom',
  'process.hrtime',
]);
const SIDE_EFFECTS = new Set([
  'console',
  'print',
  'input',
  'open',
  'fetch',
  'fs',
  'fsp',
  'subprocess',
  'shutil',
  'requests',
  'socket',
  'child_process',
  'localStorage',
  'sessionStorage',
  'document',
  'process.exit',
  'process.stdout',
  'process.stderr',
  'process.env',
  'sys.exit',
  'sys.stdout',
  'sys.stderr',
  'os.system',
  'os.remove',
  'os.unlink',
  'os.mkdir',
  'os.makedirs',
  'os.rename',
  'os.environ',
  'writeFile',
  'writeFileSync',
  'appendFile',
  'appendFileSync',
  'unlinkSync',
  'mkdirSync',
  'exec',
  'execSync',
  'spawn',
  'spawnSync',
]);

export interface ApiUsage {
  nondeterministic: string[];
  sideEffects: string[];
}

/** The flagged APIs an atom's code in [start, end) reaches. */
export function apiUsageIn(
  scan: SyntaxScan,
  text: string,
  start: number,
  end: number,
  bound: ReadonlySet<string>,
): ApiUsage {
  const nondeterministic = new Set<string>();
  const sideEffects = new Set<string>();
  for (
    let i = firstRefAtOrAfter(scan, start);
    i < scan.refStart.length && scan.refStart[i]! < end;
    i++
  ) {
    const role = scan.refRole[i];
    if (role === RefRole.Binding) continue;
    const s = scan.refStart[i]!;
    const e = scan.refEnd[i]!;
    const name = text.slice(s, e);
    const qualifier = qualifierBefore(text, s);
    const qualified = qualifier ? `${qualifier}.${name}` : name;
    // A bare name counts when it reads a global (`print(...)`, an imported `random()`): not when
    // it is a member (`x.print`), a qualifier (`console` in `console.log`, judged as the member)
    // or a parameter or local of the atom (`def pick(random)`).
    const bare =
      role === RefRole.Use && !bound.has(name) && !/^\s*\??\./.test(text.slice(e, e + 3));
    const candidates = qualifier ? [qualified, qualifier] : bare ? [name] : [];
    for (const c of candidates) {
      if (NONDETERMINISTIC.has(c)) nondeterministic.add(qualified);
      if (SIDE_EFFECTS.has(c)) sideEffects.add(qualified);
    }
    if (
      name === 'Date' &&
      role === RefRole.Use &&
      /^\s*\(\s*\)/.test(text.slice(e, e + 8)) &&
      /new\s*$/.test(text.slice(Math.max(0, s - 8), s))
    ) {
      nondeterministic.add('new Date()');
    }
  }
  for (const at of scan.scopeEscapes)
    if (at >= start && at < end)
      sideEffects.add(text.slice(at, text.indexOf(' ', at)) + ' statement');
  return { nondeterministic: [...nondeterministic], sideEffects: [...sideEffects] };
}

/** `obj` in `obj.name` / `obj?.name` (a plain identifier only), else undefined. */
function qualifierBefore(text: string, at: number): string | undefined {
  let i = at - 1;
  while (i >= 0 && (text[i] === ' ' || text[i] === '\t')) i--;
  if (text[i] !== '.') return undefined;
  i--;
  if (text[i] === '?') i--;
  while (i >= 0 && (text[i] === ' ' || text[i] === '\t')) i--;
  const end = i + 1;
  while (i >= 0 && /[\w$]/.test(text[i]!)) i--;
  return end > i + 1 ? text.slice(i + 1, end) : undefined;
}

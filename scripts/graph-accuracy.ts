/**
 * Precision and recall of the graph's reference edges (call, type, inheritance, data, reference)
 * against the TypeScript compiler's own symbol resolution, on a real package nobody here wrote:
 * `node -r esbuild-register scripts/graph-accuracy.ts [DIR]` (default: zod's v4 sources in node_modules).
 *
 * Both sides use the same atoms (the atomizer's cut). Ground truth: for every identifier the
 * compiler resolves (aliases followed to the real declaration) to a declaration in another atom of
 * the same file set, an edge declaration-atom -> using-atom. Property names after `.` count only
 * when the object is a module namespace (no type inference on either side: `obj.method` is out of
 * scope). Import/export specifiers are excluded on both sides (they are `import` edges).
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import ts from 'typescript';
import { atomizeSource } from '@mge/atomizer';
import { buildDependencyGraph } from '@mge/graph';

const root = path.resolve(
  process.argv.slice(2).find((a) => !a.startsWith('--')) ?? 'node_modules/zod/src/v4',
);
const candidates = walk(root).filter(
  (f) =>
    f.endsWith('.ts') &&
    !f.endsWith('.d.ts') &&
    !/[/](tests?|__tests__|benchmarks|locales)[/]/.test(f),
);

function walk(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const full = path.join(dir, name);
    return statSync(full).isDirectory() ? walk(full) : [full];
  });
}

// Atoms, shared by both sides. Files the atomizer refuses (syntax errors) are left out of both
// sides and counted.
const skipped: string[] = [];
const files = candidates.filter((file) => {
  try {
    atomizeSource(readFileSync(file, 'utf8'), file);
    return true;
  } catch {
    skipped.push(path.relative(root, file));
    return false;
  }
});
const sources = files.map((file) => {
  const code = readFileSync(file, 'utf8');
  const atoms = atomizeSource(code, file).atoms.map((a) => ({
    id: `${file}#${a.ordinal}`,
    startByte: a.startByte,
    endByte: a.endByte,
    start: Buffer.from(code).subarray(0, a.startByte).toString().length,
  }));
  return { path: file, code, atoms };
});
const atomStarts = new Map(sources.map((s) => [s.path, s.atoms]));
function atomAt(file: string, index: number): string | undefined {
  const atoms = atomStarts.get(file);
  if (!atoms) return undefined;
  let found: string | undefined;
  for (const a of atoms) if (a.start <= index) found = a.id;
  return found;
}

const started = Date.now();
const graph = buildDependencyGraph(sources);
const ours = new Set(
  graph.edges
    .filter((e) => e.kind !== 'import' && e.kind !== 'order')
    .map((e) => `${e.from} -> ${e.to}`),
);
const ourMs = Date.now() - started;

const program = ts.createProgram(files, {
  target: ts.ScriptTarget.ES2022,
  module: ts.ModuleKind.NodeNext,
  moduleResolution: ts.ModuleResolutionKind.NodeNext,
  noEmit: true,
  allowImportingTsExtensions: true,
  skipLibCheck: true,
});
const checker = program.getTypeChecker();
const inSet = new Set(files);
const truth = new Set<string>();
for (const sf of program.getSourceFiles()) {
  if (!inSet.has(sf.fileName)) continue;
  const visit = (node: ts.Node): void => {
    if (ts.isImportDeclaration(node) || ts.isExportDeclaration(node)) return;
    if (ts.isIdentifier(node) && counts(node)) {
      let symbol = checker.getSymbolAtLocation(node);
      if (symbol && symbol.flags & ts.SymbolFlags.Alias) symbol = checker.getAliasedSymbol(symbol);
      const decl = pickDeclaration(symbol?.declarations ?? [], node);
      // A module (namespace import) is not a declaration in an atom: that use is an import edge.
      if (decl && !ts.isSourceFile(decl)) {
        const declFile = decl.getSourceFile().fileName;
        const nameNode = ts.getNameOfDeclaration(decl) ?? decl;
        const from = atomAt(declFile, nameNode.getStart());
        const to = atomAt(sf.fileName, node.getStart());
        if (from && to && from !== to && inSet.has(declFile)) truth.add(`${from} -> ${to}`);
      }
    }
    ts.forEachChild(node, visit);
  };
  visit(sf);
}

/** Identifiers that are uses: not declaration names, not property names (unless on a namespace import). */
function counts(node: ts.Identifier): boolean {
  const parent = node.parent;
  if (ts.isPropertyAccessExpression(parent) && parent.name === node) {
    const object = checker.getSymbolAtLocation(parent.expression);
    return (
      object !== undefined &&
      (object.flags & ts.SymbolFlags.Alias) !== 0 &&
      (checker.getAliasedSymbol(object).flags & ts.SymbolFlags.ValueModule) !== 0
    );
  }
  if (ts.isQualifiedName(parent) && parent.right === node) {
    const object = checker.getSymbolAtLocation(parent.left);
    return object !== undefined && (object.flags & ts.SymbolFlags.Alias) !== 0;
  }
  // (After the property checks: getNameOfDeclaration also names `a.b` as a JS expando declaration.)
  if (ts.getNameOfDeclaration(parent as ts.Declaration) === node) return false;
  if (
    ts.isPropertyAssignment(parent) ||
    ts.isPropertySignature(parent) ||
    ts.isLabeledStatement(parent) ||
    ts.isBreakOrContinueStatement(parent)
  )
    return false;
  if (
    ts.isImportSpecifier(parent) ||
    ts.isExportSpecifier(parent) ||
    ts.isImportClause(parent) ||
    ts.isNamespaceImport(parent)
  )
    return false;
  return true;
}

/** A merged symbol (interface + const of one name) has several declarations: take the one of the use's meaning. */
function pickDeclaration(
  decls: readonly ts.Declaration[],
  use: ts.Identifier,
): ts.Declaration | undefined {
  const typeUse =
    ts.isTypeReferenceNode(use.parent) ||
    (ts.isQualifiedName(use.parent) && ts.isTypeReferenceNode(use.parent.parent)) ||
    (ts.isExpressionWithTypeArguments(use.parent) &&
      ts.isHeritageClause(use.parent.parent) &&
      use.parent.parent.token === ts.SyntaxKind.ImplementsKeyword);
  const isType = (d: ts.Declaration) =>
    ts.isInterfaceDeclaration(d) ||
    ts.isTypeAliasDeclaration(d) ||
    ts.isTypeParameterDeclaration(d) ||
    ts.isClassDeclaration(d) ||
    ts.isEnumDeclaration(d);
  const isValue = (d: ts.Declaration) =>
    !ts.isInterfaceDeclaration(d) &&
    !ts.isTypeAliasDeclaration(d) &&
    !ts.isTypeParameterDeclaration(d);
  const fitting = decls.filter(typeUse ? isType : isValue);
  return fitting.at(-1) ?? decls.at(-1);
}

const hit = [...ours].filter((e) => truth.has(e)).length;
const result = {
  package: path.relative(process.cwd(), root),
  files: files.length,
  skipped,
  atoms: graph.atomIds.length,
  truthEdges: truth.size,
  ourEdges: ours.size,
  precision: +(hit / ours.size).toFixed(4),
  recall: +(hit / truth.size).toFixed(4),
  ourMs,
};
console.log(JSON.stringify(result));
if (process.argv.includes('--misses')) {
  for (const e of [...ours].filter((x) => !truth.has(x)).slice(0, 15)) console.log('extra', e);
  for (const e of [...truth].filter((x) => !ours.has(x)).slice(0, 15)) console.log('missed', e);
}

import { parseSource, type SyntaxNode } from '@mge/atomizer';
import type { Diagnostic } from '@mge/core';
import { moduleSymbols, PlanModules, sourceModel, type ModuleSymbols } from '@mge/source';
import type { SourceFile } from '../plan-files.js';
import type { PythonFacts } from '../python-facts.js';

interface Signature {
  required: number;
  /** Infinity with *args. */
  max: number;
}

interface ModuleInfo {
  file: string;
  root: SyntaxNode;
  symbols: ModuleSymbols;
  /** Top-level names (definitions, assignments, imports). */
  topLevel: Set<string>;
  /** Every name bound anywhere in the file (parameters, locals, loop targets ...). */
  bound: Set<string>;
  /** Plain top-level functions' signatures (undecorated). */
  signatures: Map<string, Signature>;
}

const BINDING_PARENTS = new Set([
  'parameters',
  'lambda_parameters',
  'default_parameter',
  'typed_parameter',
  'typed_default_parameter',
  'list_splat_pattern',
  'dictionary_splat_pattern',
  'as_pattern_target',
  'global_statement',
  'nonlocal_statement',
  'pattern_list',
  'tuple_pattern',
  'list_pattern',
  'keyword_pattern',
  'case_pattern',
  'capture_pattern',
]);

function walk(node: SyntaxNode, visit: (n: SyntaxNode) => void): void {
  visit(node);
  for (const child of node.namedChildren) walk(child, visit);
}

function isBinding(node: SyntaxNode): boolean {
  const parent = node.parent;
  if (!parent) return false;
  if (BINDING_PARENTS.has(parent.type)) return true;
  const field = (name: string) => parent.childForFieldName(name)?.id === node.id;
  switch (parent.type) {
    case 'function_definition':
    case 'class_definition':
      return field('name');
    case 'assignment':
    case 'augmented_assignment':
    case 'for_statement':
    case 'for_in_clause':
      return field('left') || (parent.type === 'assignment' && isBinding(parent));
    case 'named_expression':
      return field('name');
    case 'except_clause':
    case 'aliased_import':
      return true;
    case 'tuple':
    case 'list':
    case 'parenthesized_expression':
    case 'expression_list':
      return isBinding(parent);
    default:
      return false;
  }
}

function signatureOf(fn: SyntaxNode): Signature {
  let required = 0;
  let max = 0;
  let keywordOnly = false;
  for (const p of fn.childForFieldName('parameters')?.namedChildren ?? []) {
    if (p.type === 'list_splat_pattern') return { required, max: Infinity };
    if (p.type === 'keyword_separator') keywordOnly = true;
    if (keywordOnly || p.type === 'dictionary_splat_pattern' || p.type === 'positional_separator')
      continue;
    max++;
    if (p.type === 'identifier' || p.type === 'typed_parameter') required++;
  }
  return { required, max };
}

function moduleInfo(file: SourceFile, code: string): ModuleInfo {
  const root = parseSource(code, 'python').rootNode;
  const symbols = moduleSymbols(file.path, code, root);
  const topLevel = new Set(symbols.definitions.map((d) => d.name));
  const bound = new Set(topLevel);
  walk(root, (n) => {
    if (n.type === 'identifier' && isBinding(n)) bound.add(n.text);
  });
  const signatures = new Map<string, Signature>();
  for (const node of root.namedChildren)
    if (node.type === 'function_definition') {
      const name = node.childForFieldName('name')?.text;
      if (name) signatures.set(name, signatureOf(node));
    }
  return { file: file.path, root, symbols, topLevel, bound, signatures };
}

/**
 * L3 name resolution for Python across the plan's modules: names imported from a plan module
 * exist there; every called bare name is bound in its module or a builtin; calls of a plan
 * module's functions (`mod.f(...)` or an imported `f(...)`) pass an acceptable number of
 * positional arguments. Diagnostics carry file and line; the caller maps them to atoms.
 */
export function pythonNameDiagnostics(
  files: readonly { file: SourceFile; code: string }[],
  facts: PythonFacts | undefined,
  packages: readonly string[],
): Diagnostic[] {
  const planModules = new PlanModules(files.map((f) => f.file.path));
  const external = { packages, pythonStdlib: facts?.stdlib };
  const modules = new Map(files.map((f) => [f.file.path, moduleInfo(f.file, f.code)]));
  const out: Diagnostic[] = [];
  const report = (file: string, node: SyntaxNode, message: string) =>
    out.push({
      level: 'component',
      file,
      line: node.startPosition.row + 1,
      column: node.startPosition.column + 1,
      message,
    });

  for (const { file, code } of files) {
    const info = modules.get(file.path)!;
    /** local name -> [plan module, original name | undefined for a module alias] */
    const imported = new Map<string, { module: ModuleInfo; name?: string }>();
    for (const imp of sourceModel(file.path, code, planModules, external, info.symbols).imports) {
      const { specifier, target } = imp;
      if (target.kind !== 'plan') continue;
      const module = modules.get(target.file);
      if (!module) continue;
      if (imp.names.length === 0) imported.set(imp.source.split('.').pop()!, { module });
      for (const name of imp.names) {
        imported.set(name, { module, name });
        if (
          !imp.guarded &&
          !module.topLevel.has(name) &&
          !planModules.resolve(
            file.path,
            /^\.*$/.test(specifier) ? specifier + name : `${specifier}.${name}`,
          )
        )
          out.push({
            level: 'component',
            file: file.path,
            line: imp.line,
            message: `cannot import name "${name}" from ${target.file}`,
          });
      }
    }
    walk(info.root, (n) => {
      if (n.type !== 'call') return;
      const fn = n.childForFieldName('function');
      const args = n.childForFieldName('arguments');
      if (!fn) return;
      let callee: { module: ModuleInfo; name: string } | undefined;
      if (fn.type === 'identifier') {
        const via = imported.get(fn.text);
        if (via?.name) callee = { module: via.module, name: via.name };
        else if (!info.bound.has(fn.text) && !facts?.builtins.has(fn.text) && facts !== undefined)
          report(file.path, fn, `undefined name "${fn.text}"`);
        else if (info.signatures.has(fn.text)) callee = { module: info, name: fn.text };
      } else if (fn.type === 'attribute') {
        const object = fn.childForFieldName('object');
        const attribute = fn.childForFieldName('attribute');
        const via = object?.type === 'identifier' ? imported.get(object.text) : undefined;
        if (via && !via.name && attribute) {
          if (!via.module.topLevel.has(attribute.text))
            report(
              file.path,
              attribute,
              `module ${via.module.file} has no attribute "${attribute.text}"`,
            );
          else callee = { module: via.module, name: attribute.text };
        }
      }
      const signature = callee && callee.module.signatures.get(callee.name);
      if (!signature || !args || args.type !== 'argument_list') return;
      if (
        args.namedChildren.some(
          (a) => a.type !== 'comment' && /keyword_argument|splat/.test(a.type),
        )
      )
        return;
      const given = args.namedChildren.filter((a) => a.type !== 'comment').length;
      if (given < signature.required || given > signature.max)
        report(
          file.path,
          fn,
          `${callee!.name}() takes ${signature.required === signature.max ? signature.max : `${signature.required} to ${signature.max}`} positional arguments but ${given} were given`,
        );
    });
  }
  return out;
}

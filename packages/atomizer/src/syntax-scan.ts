import type { FileLanguage } from '@mge/core';
import { grammarRules, type GrammarRules } from './grammar.js';
import type { TextRange } from './compiler-syntax.js';
import type { Tree } from './parser.js';

/** A statement or member directly inside a container node: a place where atoms may be cut. */
export interface Entry {
  /** String indexes, end exclusive. */
  start: number;
  end: number;
  type: string;
  /** How many containers enclose it (top-level statements are at depth 1). */
  depth: number;
  /** Start of the container it sits in. */
  containerStart: number;
}

/** How an identifier occurrence relates to symbols. */
export const enum RefRole {
  /** Reads a name: a candidate for `uses`. */
  Use = 0,
  /** Introduces a name (declaration, parameter, assignment target, import). */
  Binding = 1,
  /** A member or keyword-argument name: not a reference, but it names an API (`Math.random`). */
  Member = 2,
}

/** Everything later steps need, gathered in one pass over the tree. */
export interface SyntaxScan {
  rules: GrammarRules;
  /** In document order (preorder). */
  entries: Entry[];
  /** Start index of every decision point, sorted. */
  decisions: number[];
  /** Identifier occurrences, sorted by start: parallel arrays to keep 100k+ of them cheap. */
  refStart: number[];
  refEnd: number[];
  refRole: RefRole[];
  /** Comments and docstrings as [start, end) pairs, sorted: they are not lines of code. */
  trivia: number[];
  /** Python `global` / `nonlocal` statements (they mutate outer state). */
  scopeEscapes: number[];
}

const BINDING_PARENTS = new Set([
  'formal_parameters',
  'parameters',
  'lambda_parameters',
  'required_parameter',
  'optional_parameter',
  'rest_pattern',
  'object_pattern',
  'array_pattern',
  'pattern_list',
  'tuple_pattern',
  'list_pattern',
  'list_splat_pattern',
  'dictionary_splat_pattern',
  'typed_parameter',
  'import_clause',
  'namespace_import',
  'as_pattern_target',
  'catch_clause',
  'type_parameter',
  'global_statement',
  'nonlocal_statement',
]);
const LEFT_BINDING_PARENTS = new Set([
  'assignment',
  'for_in_statement',
  'for_statement',
  'for_in_clause',
  'assignment_pattern',
  'variable_declarator',
]);
const NAME_NOT_BINDING_PARENTS = new Set([
  'keyword_argument',
  'import_specifier',
  'export_specifier',
]);
const SCOPE_ESCAPES = new Set(['global_statement', 'nonlocal_statement']);

/**
 * Walks the tree once with a cursor. Reading node objects through the Node binding costs about
 * a microsecond each, so the walk reads only types and indexes, and only where a rule needs them;
 * the rest of the atomizer works on the arrays it returns.
 */
export function scanSyntax(tree: Tree, language: FileLanguage): SyntaxScan {
  const rules = grammarRules(language);
  const python = language === 'python';
  const scan: SyntaxScan = {
    rules,
    entries: [],
    decisions: [],
    refStart: [],
    refEnd: [],
    refRole: [],
    trivia: [],
    scopeEscapes: [],
  };
  const stackType: string[] = [];
  const stackStart: number[] = [];
  const stackEnd: number[] = [];
  const stackContainer: boolean[] = [];
  let depth = 0;
  let importDepth = 0;
  const cursor = tree.walk();
  let descending = true;
  for (;;) {
    if (descending) {
      const type = cursor.nodeType;
      const top = stackType.length - 1;
      const parentType = stackType[top];
      let start = -1;
      let end = -1;
      if (rules.comments.has(type)) {
        scan.trivia.push(cursor.startIndex, cursor.endIndex);
      } else if (stackContainer[top] && cursor.nodeIsNamed) {
        start = cursor.startIndex;
        end = cursor.endIndex;
        scan.entries.push({ start, end, type, depth, containerStart: stackStart[top]! });
      }
      if (rules.decisions.has(type)) scan.decisions.push(start >= 0 ? start : cursor.startIndex);
      else if (
        rules.identifiers.has(type) ||
        rules.properties.has(type) ||
        type === 'shorthand_property_identifier_pattern'
      ) {
        scan.refStart.push(cursor.startIndex);
        scan.refEnd.push(cursor.endIndex);
        // Names inside an import bind (or name a module); they are never reads.
        scan.refRole.push(
          importDepth > 0
            ? RefRole.Binding
            : roleOf(type, parentType ?? '', cursor.currentFieldName, rules),
        );
      } else if (python && type === 'string' && parentType === 'expression_statement') {
        start = cursor.startIndex;
        end = cursor.endIndex;
        if (start === stackStart[top] && end === stackEnd[top]) scan.trivia.push(start, end);
      } else if (SCOPE_ESCAPES.has(type)) scan.scopeEscapes.push(cursor.startIndex);

      const container = rules.containers.has(type);
      // Containers' starts are recorded on their entries; expression statements' ranges detect docstrings.
      if ((container || type === 'expression_statement') && start < 0) {
        start = cursor.startIndex;
        end = cursor.endIndex;
      }
      if (cursor.gotoFirstChild()) {
        stackType.push(type);
        stackStart.push(start);
        stackEnd.push(end);
        stackContainer.push(container);
        if (container) depth++;
        if (rules.imports.has(type)) importDepth++;
        continue;
      }
    }
    if (cursor.gotoNextSibling()) {
      descending = true;
      continue;
    }
    if (!cursor.gotoParent()) break;
    if (rules.imports.has(stackType.pop()!)) importDepth--;
    stackStart.pop();
    stackEnd.pop();
    if (stackContainer.pop()) depth--;
    descending = false;
  }
  return scan;
}

function roleOf(
  type: string,
  parentType: string,
  field: string | undefined,
  rules: GrammarRules,
): RefRole {
  if (rules.properties.has(type)) return RefRole.Member;
  if (type === 'shorthand_property_identifier_pattern') return RefRole.Binding;
  if (field === 'attribute' && parentType === 'attribute') return RefRole.Member;
  if (parentType === 'keyword_argument' && field === 'name') return RefRole.Member;
  if (BINDING_PARENTS.has(parentType)) return RefRole.Binding;
  if (field === 'name' || field === 'alias')
    return NAME_NOT_BINDING_PARENTS.has(parentType) ? RefRole.Use : RefRole.Binding;
  if ((field === 'left' || field === 'pattern') && LEFT_BINDING_PARENTS.has(parentType))
    return RefRole.Binding;
  return RefRole.Use;
}

/**
 * Keeps each region (sorted, disjoint, made of whole top-level statements: see `errorRegions`)
 * in one piece: the entries inside it give way to one top-level entry spanning it, so the
 * decomposer never cuts inside.
 */
export function keepWhole(scan: SyntaxScan, regions: readonly TextRange[]): void {
  const whole = regions.filter(([start, end]) => end > start);
  if (whole.length === 0) return;
  const kept: Entry[] = [];
  let r = 0;
  const openRegionsUpTo = (at: number): void => {
    for (; r < whole.length && whole[r]![0] <= at; r++) {
      const [start, end] = whole[r]!;
      kept.push({ start, end, type: 'ERROR', depth: 1, containerStart: 0 });
    }
  };
  for (const e of scan.entries) {
    openRegionsUpTo(e.start);
    const region = whole[r - 1];
    if (!(region && region[0] <= e.start && e.end <= region[1])) kept.push(e);
  }
  openRegionsUpTo(Number.POSITIVE_INFINITY);
  scan.entries = kept;
}

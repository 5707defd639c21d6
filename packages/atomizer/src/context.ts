import type { GrammarRules } from './grammar.js';

/** What a generator needs besides the atom's own code. */
export interface AtomContext {
  /** Import statements that bind names the atom uses. */
  imports: string[];
  /** Signatures (and docstrings) of the enclosing scopes, outermost first. */
  scope: string[];
  /** Signatures of same-file symbols the atom references (outside itself and its scopes). */
  symbols: { name: string; signature: string }[];
  /** The atom's own comments and docstrings. */
  docs: string[];
  /** Referenced names the context does not resolve (neither builtin, imported, nor defined in the file). */
  unresolved: string[];
}

/** A name visible at module level: where it comes from and how to show it. */
export interface ModuleSymbol {
  ordinal: number;
  signature: string;
  /** The import statement's text when the name is imported. */
  importText?: string;
}

export interface ScopeInfo {
  signature: string;
  bindings: ReadonlySet<string>;
}

/**
 * Builds an atom's context and its completeness score.
 *
 * Completeness = resolved / referenced, where referenced are the names the atom reads but does not
 * bind itself, minus the language's builtins, and resolved are those the context explains: an
 * import, a module-level definition in the file, or a binding (parameter, local) of an enclosing
 * scope. An atom that references nothing outside itself scores 1.
 */
export function buildContext(input: {
  ordinal: number;
  uses: readonly string[];
  scopes: readonly ScopeInfo[];
  moduleSymbols: ReadonlyMap<string, ModuleSymbol>;
  docs: string[];
  rules: GrammarRules;
}): { context: AtomContext; completeness: number; otherAtoms: Set<number>; scopeInputs: number } {
  const imports = new Set<string>();
  const symbols: AtomContext['symbols'] = [];
  const unresolved: string[] = [];
  const otherAtoms = new Set<number>();
  let referenced = 0;
  let scopeInputs = 0;
  for (const name of input.uses) {
    if (input.rules.builtins.has(name)) continue;
    referenced++;
    if (input.scopes.some((s) => s.bindings.has(name))) {
      scopeInputs++;
      continue;
    }
    const symbol = input.moduleSymbols.get(name);
    if (!symbol) {
      unresolved.push(name);
      continue;
    }
    if (symbol.importText !== undefined) imports.add(symbol.importText);
    else if (symbol.ordinal !== input.ordinal) {
      symbols.push({ name, signature: symbol.signature });
      otherAtoms.add(symbol.ordinal);
    }
  }
  const completeness =
    referenced === 0
      ? 1
      : Math.round(((referenced - unresolved.length) / referenced) * 1000) / 1000;
  return {
    context: {
      imports: [...imports],
      scope: input.scopes.map((s) => s.signature),
      symbols,
      docs: input.docs,
      unresolved,
    },
    completeness,
    otherAtoms,
    scopeInputs,
  };
}

/** The first line of a declaration, without its body's opening brace: what a reader needs to call it. */
export function signatureOf(text: string): string {
  const firstLine = text.split('\n', 1)[0]!.trim();
  const clipped = firstLine.length > 200 ? `${firstLine.slice(0, 200)}…` : firstLine;
  return clipped.replace(/\s*\{\s*$/, '');
}

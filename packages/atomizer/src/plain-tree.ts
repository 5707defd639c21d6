import type { TreeCursor } from 'tree-sitter';
import type { Tree } from './parser.js';

/**
 * What symbol walks read from a syntax node. Both tree-sitter's `SyntaxNode` and {@link PlainNode}
 * have it, so one walk runs over either.
 */
export interface TreeNode {
  readonly type: string;
  /** Equal for two handles of the same node (tree-sitter hands out new objects for one node). */
  readonly id: number;
  readonly text: string;
  /** String (UTF-16) indexes into the parsed text, end exclusive. */
  readonly startIndex: number;
  readonly endIndex: number;
  readonly parent: TreeNode | null;
  readonly children: readonly TreeNode[];
  readonly namedChildren: readonly TreeNode[];
  childForFieldName(name: string): TreeNode | null;
  childrenForFieldName(name: string): TreeNode[];
}

/** What the nodes of one copied tree share: the parsed text and a cursor to look up ranges. */
interface Copied {
  source: string;
  cursor: TreeCursor;
}

const NO_CHILDREN: readonly PlainNode[] = Object.freeze([]);

/**
 * A node of a tree copied into plain JavaScript objects by {@link plainTree}. Reading it crosses
 * into native code only for the range of a node that is not a named leaf (looked up once, on
 * first use): each accessor of tree-sitter's Node binding does, and allocates a node object the
 * binding caches behind a weak reference, which made symbol extraction cost more than the parse.
 */
export class PlainNode implements TreeNode {
  /** -1 until looked up (internal nodes and anonymous leaves). */
  private start = -1;
  private end = -1;
  private kids: PlainNode[] | readonly PlainNode[] = NO_CHILDREN;
  private named: readonly PlainNode[] | undefined;

  constructor(
    readonly type: string,
    /** The grammar's id of `type`. */
    readonly typeId: number,
    readonly isNamed: boolean,
    /** The field this node fills in its parent, if any. */
    readonly fieldName: string | undefined,
    readonly parent: PlainNode | null,
    /** Position in a preorder walk of the tree (anonymous nodes included): the cursor's descendant index. */
    readonly id: number,
    private readonly copied: Copied,
  ) {}

  get startIndex(): number {
    if (this.start < 0) this.locate();
    return this.start;
  }

  get endIndex(): number {
    if (this.end < 0) this.locate();
    return this.end;
  }

  get text(): string {
    return this.copied.source.substring(this.startIndex, this.endIndex);
  }

  get children(): readonly PlainNode[] {
    return this.kids;
  }

  /** The same array on every read. */
  get namedChildren(): readonly PlainNode[] {
    return (this.named ??= this.kids.filter((c) => c.isNamed));
  }

  childForFieldName(name: string): PlainNode | null {
    for (const child of this.kids) if (child.fieldName === name) return child;
    return null;
  }

  childrenForFieldName(name: string): PlainNode[] {
    return this.kids.filter((c) => c.fieldName === name);
  }

  /** @internal (plainTree) */
  add(child: PlainNode): void {
    if (this.kids === NO_CHILDREN) this.kids = [child];
    else (this.kids as PlainNode[]).push(child);
  }

  /** @internal (plainTree) */
  setRange(start: number, end: number): void {
    this.start = start;
    this.end = end;
  }

  private locate(): void {
    const { cursor } = this.copied;
    cursor.gotoDescendant(this.id);
    this.start = cursor.startIndex;
    this.end = cursor.endIndex;
  }
}

/** Node type names, named flags and field names of one grammar, by id, learned as they are met. */
interface GrammarNames {
  types: string[];
  named: boolean[];
  fields: (string | undefined)[];
  /**
   * Per type id: whether the type's children can fill fields. False only for named types the
   * grammar's node-types.json lists without fields (ERROR nodes and anonymous ones may have any).
   */
  hasFields: boolean[];
  /** Named node types the grammar lists without fields; undefined: the grammar does not say. */
  fieldless: Set<string> | undefined;
}

/** The Node binding's own fields on a tree: the grammar and the text it was parsed from. */
type BoundTree = Tree & { language?: GrammarModule; input?: unknown };

interface GrammarModule {
  nodeTypeInfo?: { type: string; named: boolean; fields?: Record<string, unknown> }[];
}

const grammars = new WeakMap<object, GrammarNames>();

function grammarNames(tree: BoundTree): GrammarNames {
  const language = tree.language;
  if (!language) throw new TypeError('plainTree needs a tree from a parser with a language');
  let names = grammars.get(language);
  if (!names) {
    const info = language.nodeTypeInfo;
    const fieldless = info
      ? new Set(
          info
            .filter((t) => t.named && Object.keys(t.fields ?? {}).length === 0)
            .map((t) => t.type),
        )
      : undefined;
    fieldless?.delete('ERROR');
    names = { types: [], named: [], fields: [], hasFields: [], fieldless };
    grammars.set(language, names);
  }
  return names;
}

/**
 * Copies a parse tree into {@link PlainNode}s with one cursor walk: per node, its type id (names
 * come from a table per grammar), its field id (unless the grammar gives its parent's type no
 * fields), the range of a named leaf, and the cursor moves. A symbol walk over the copy makes
 * fewer native calls than one over the binding's nodes, and no native node objects (the binding
 * caches each one it hands out behind a weak reference, which the garbage collector then has to
 * clear): copy and walk together take about half the CPU of the walk over tree-sitter's nodes.
 */
export function plainTree(tree: Tree): PlainNode {
  const { input: source } = tree as BoundTree;
  if (typeof source !== 'string')
    throw new TypeError('plainTree needs a tree parsed from a string');
  const names = grammarNames(tree);
  const cursor = tree.walk();
  const copied: Copied = { source, cursor: tree.walk() };
  let id = 0;
  const node = (parent: PlainNode | null): PlainNode => {
    const typeId = cursor.nodeTypeId;
    let type = names.types[typeId];
    if (type === undefined) {
      names.types[typeId] = type = cursor.nodeType;
      const named = (names.named[typeId] = cursor.nodeIsNamed);
      names.hasFields[typeId] = !(named && names.fieldless?.has(type));
    }
    let field: string | undefined;
    if (parent === null || names.hasFields[parent.typeId]) {
      const fieldId = cursor.currentFieldId as number | undefined;
      if (fieldId !== undefined) {
        field = names.fields[fieldId];
        if (field === undefined) names.fields[fieldId] = field = cursor.currentFieldName;
      }
    }
    return new PlainNode(type, typeId, names.named[typeId]!, field, parent, id++, copied);
  };
  const root = node(null);
  let parent = root;
  if (!cursor.gotoFirstChild()) return root;
  for (;;) {
    const child = node(parent);
    parent.add(child);
    if (cursor.gotoFirstChild()) {
      parent = child;
      continue;
    }
    // A named leaf (an identifier, a string fragment): its text is what a symbol walk reads.
    if (child.isNamed) child.setRange(cursor.startIndex, cursor.endIndex);
    while (!cursor.gotoNextSibling()) {
      cursor.gotoParent();
      if (parent === root) return root;
      parent = parent.parent!;
    }
  }
}

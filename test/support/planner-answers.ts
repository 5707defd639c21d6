/**
 * Scripted planner answers for the local Messages-API server: a realistic discovery of a small
 * library-loans service, its MasterPlan skeleton and milestone answers, and broken variants (a
 * cycle, a dangling dependency, an uncovered requirement). Hand-written fixtures, not model output.
 */
import type { Scripted } from './fake-anthropic';

export const REQUIREMENTS = `# Library loans
Members borrow books from a small library.
- Every book and member has a stable identifier.
- Librarians add books to the catalog and look them up by ISBN.
- A member may borrow an available book for 14 days; a book on loan cannot be lent again.
- Overdue loans are listed with the days overdue.
`;

export const discovery = {
  domain: { name: 'Library loans', description: 'Members borrow books from a small library.' },
  requirements: [
    {
      id: 'R1',
      text: 'Every book and member has a stable identifier.',
      priority: 'must',
      acceptanceCriteria: ['ids are unique', 'ids survive a restart'],
    },
    {
      id: 'R2',
      text: 'Librarians add books to the catalog and look them up by ISBN.',
      priority: 'must',
      acceptanceCriteria: ['an added book is found by its ISBN'],
    },
    {
      id: 'R3',
      text: 'A member may borrow an available book for 14 days.',
      priority: 'must',
      acceptanceCriteria: ['a loan is due 14 days later', 'a book on loan cannot be lent again'],
    },
    {
      id: 'R4',
      text: 'Overdue loans are listed with the days overdue.',
      priority: 'should',
      acceptanceCriteria: ['a loan 3 days late shows 3'],
    },
  ],
  boundedContexts: [
    {
      id: 'catalog',
      name: 'Catalog',
      description: 'Books the library owns',
      responsibilities: ['add books', 'find by ISBN'],
    },
    {
      id: 'lending',
      name: 'Lending',
      description: 'Loans to members',
      responsibilities: ['lend', 'return', 'overdue'],
    },
  ],
  aggregates: [
    {
      id: 'book',
      name: 'Book',
      contextId: 'catalog',
      rootEntity: 'Book',
      entities: [],
      valueObjects: ['Isbn', 'BookId'],
      invariants: ['ISBN is unique in the catalog'],
    },
    {
      id: 'loan',
      name: 'Loan',
      contextId: 'lending',
      rootEntity: 'Loan',
      entities: [],
      valueObjects: ['DueDate'],
      invariants: ['one open loan per book'],
    },
  ],
  domainEvents: [
    { name: 'BookLent', trigger: 'a loan starts', producer: 'lending', subscribers: ['catalog'] },
  ],
  services: [
    {
      name: 'LoanService',
      kind: 'application',
      contextId: 'lending',
      operations: ['lend', 'giveBack', 'overdue'],
    },
  ],
  assumptions: ['one branch only'],
  openQuestions: [{ question: 'May loans be renewed?', blocking: false, defaultAnswer: 'no' }],
  risks: ['time zones in due dates'],
};

export const skeleton = {
  name: 'library-loans',
  language: 'typescript',
  description: 'Catalog and lending for a small library',
  phases: [
    { id: 'P1', kind: 'setup', goal: 'identifiers' },
    { id: 'P2', kind: 'core', goal: 'catalog and lending' },
  ],
  milestones: [
    {
      id: 'M1',
      phaseId: 'P1',
      name: 'Identifiers',
      goal: 'ids for books and members',
      dependsOn: [],
    },
    {
      id: 'M2',
      phaseId: 'P2',
      name: 'Catalog and loans',
      goal: 'the library works',
      dependsOn: ['M1'],
    },
  ],
  coverage: [
    { milestoneId: 'M1', requirementIds: ['R1'] },
    { milestoneId: 'M2', requirementIds: ['R2', 'R3', 'R4'] },
  ],
};

export const milestone1 = {
  tasks: [
    {
      id: 'ids',
      milestoneId: 'M1',
      title: 'Identifiers',
      description: 'BookId and MemberId as branded strings',
      file: 'src/ids.ts',
      dependsOn: [],
      requirementIds: ['R1'],
      provides: [{ symbol: 'BookId' }, { symbol: 'MemberId' }],
      consumes: [],
      estimatedLoc: 30,
      subtasks: [
        { id: 'ids-1', title: 'branded types' },
        { id: 'ids-2', title: 'constructors' },
      ],
    },
  ],
  tests: [{ file: 'test/ids.test.ts', covers: ['ids'] }],
};

const catalog = {
  id: 'catalog',
  milestoneId: 'M2',
  title: 'Catalog',
  description: 'add books, find by ISBN',
  file: 'src/catalog.ts',
  dependsOn: ['ids'],
  requirementIds: ['R2'],
  provides: [{ symbol: 'Catalog' }],
  consumes: [{ symbol: 'BookId', fromTaskId: 'ids' }],
  estimatedLoc: 80,
  subtasks: [
    { id: 'catalog-1', title: 'add' },
    { id: 'catalog-2', title: 'findByIsbn' },
  ],
};
const loans = {
  id: 'loans',
  milestoneId: 'M2',
  title: 'Loans',
  description: 'lend for 14 days, give back, list overdue',
  file: 'src/loans.ts',
  dependsOn: ['catalog', 'ids'],
  requirementIds: ['R3', 'R4'],
  provides: [{ symbol: 'LoanService' }],
  consumes: [
    { symbol: 'Catalog', fromTaskId: 'catalog' },
    { symbol: 'MemberId', fromTaskId: 'ids' },
  ],
  estimatedLoc: 120,
  subtasks: [
    { id: 'loans-1', title: 'lend' },
    { id: 'loans-2', title: 'overdue' },
  ],
};
export const milestone2 = {
  tasks: [catalog, loans],
  tests: [{ file: 'test/loans.test.ts', covers: ['catalog', 'loans'] }],
};

/** Broken M2 answers, each caught by the plan validator. */
export const broken = {
  cycle: { ...milestone2, tasks: [{ ...catalog, dependsOn: ['ids', 'loans'] }, loans] },
  dangling: {
    ...milestone2,
    tasks: [catalog, { ...loans, dependsOn: ['catalog', 'ids', 'payments'] }],
  },
  uncovered: { ...milestone2, tasks: [catalog, { ...loans, requirementIds: ['R4'] }] },
};

export const answer = (value: unknown): Scripted => ({ kind: 'text', text: JSON.stringify(value) });
/** An answer cut off at the token limit. */
export const truncated = (value: unknown): Scripted => ({
  kind: 'text',
  text: JSON.stringify(value).slice(0, 120),
  stopReason: 'max_tokens',
});
export const refusal: Scripted = {
  kind: 'text',
  text: "I can't help with that.",
  stopReason: 'refusal',
};
export const invalidJson: Scripted = {
  kind: 'text',
  text: 'Here is the plan: { "tasks": [ { "id": "ids", }',
};

/**
 * Drafted files of the library-loans plan's tasks (ids, catalog, loans), as a model might answer
 * the drafting prompts: hand-written fixtures, not model output. They type-check together.
 */
export const drafts = {
  ids: `/** Identifiers of books and members (R1). */
export type BookId = string & { readonly brand: 'BookId' };
export type MemberId = string & { readonly brand: 'MemberId' };

export function newBookId(raw: string): BookId {
  return raw as BookId;
}

export function newMemberId(raw: string): MemberId {
  return raw as MemberId;
}
`,
  catalog: `import type { BookId } from './ids.js';

export interface Book {
  id: BookId;
  isbn: string;
  title: string;
}

/** Books the library owns, found by ISBN (R2). */
export class Catalog {
  private readonly byIsbn = new Map<string, Book>();

  add(book: Book): void {
    if (this.byIsbn.has(book.isbn)) throw new Error('ISBN ' + book.isbn + ' is already in the catalog');
    this.byIsbn.set(book.isbn, book);
  }

  findByIsbn(isbn: string): Book | undefined {
    return this.byIsbn.get(isbn);
  }
}
`,
  loans: `import type { Catalog } from './catalog.js';
import type { MemberId } from './ids.js';

export interface Loan {
  isbn: string;
  member: MemberId;
  due: Date;
}

const DAY_MS = 86_400_000;

/** Lends available books for 14 days and lists overdue loans (R3, R4). */
export class LoanService {
  private readonly open = new Map<string, Loan>();

  constructor(private readonly catalog: Catalog) {}

  lend(isbn: string, member: MemberId, now: Date): Loan {
    if (!this.catalog.findByIsbn(isbn)) throw new Error('unknown ISBN ' + isbn);
    if (this.open.has(isbn)) throw new Error('ISBN ' + isbn + ' is on loan');
    const loan = { isbn, member, due: new Date(now.getTime() + 14 * DAY_MS) };
    this.open.set(isbn, loan);
    return loan;
  }

  giveBack(isbn: string): void {
    this.open.delete(isbn);
  }

  overdue(now: Date): { loan: Loan; daysOverdue: number }[] {
    return [...this.open.values()]
      .filter((loan) => loan.due.getTime() < now.getTime())
      .map((loan) => ({ loan, daysOverdue: Math.floor((now.getTime() - loan.due.getTime()) / DAY_MS) }));
  }
}
`,
};

/** A drafted file as the model's answer (to a task-drafting prompt only). */
export const draft = (code: string): Scripted => ({
  kind: 'text',
  text: code,
  when: 'File to draft: ',
});

/** A designed test file as the model's answer to the test designer's prompt for `file`. */
export const designed = (file: string, code: string): Scripted => ({
  kind: 'text',
  text: code,
  when: `Test file to design: ${file}\n`,
});

/**
 * Test files of the library-loans plan as the test designer might answer (hand-written
 * fixtures, not model output), written against the acceptance criteria and planned symbols.
 * `loansStrict` expects 21-day loans, which the drafted loans file does not give.
 */
const loansTest = `import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Catalog } from '../src/catalog.js';
import { newBookId, newMemberId } from '../src/ids.js';
import { LoanService } from '../src/loans.js';

test('a loan is due 14 days later and is overdue after that', () => {
  const catalog = new Catalog();
  catalog.add({ id: newBookId('b-1'), isbn: '9780141439518', title: 'Emma' });
  const loans = new LoanService(catalog);
  const now = new Date('2026-01-01T00:00:00Z');
  const loan = loans.lend('9780141439518', newMemberId('m-1'), now);
  assert.equal(loan.due.getTime() - now.getTime(), 14 * 86_400_000);
  assert.equal(loans.overdue(new Date('2026-01-20T00:00:00Z')).length, 1);
});
`;
export const designs = {
  ids: `import { test } from 'node:test';
import assert from 'node:assert/strict';
import { newBookId, newMemberId } from '../src/ids.js';

test('identifiers are stable', () => {
  assert.equal(newBookId('b-1'), newBookId('b-1'));
  assert.equal(newMemberId('m-1'), 'm-1');
});
`,
  loans: loansTest,
  loansStrict: loansTest.replace('14 * 86_400_000', '21 * 86_400_000'),
};

/** The test designer's answers for the plan's two planned tests, each served to its own prompt. */
export const testDesigns = (): Scripted[] => [
  designed('test/ids.test.ts', designs.ids),
  designed('test/loans.test.ts', designs.loans),
];

import { discoveryDocumentSchema, type DiscoveryDocument } from './discovery-schema.js';
import { masterPlanSchema, type MasterPlan } from './masterplan-schema.js';
import type { PlanErrorCode } from './plan-issues.js';
import { validateMasterPlan, validatePlanValue } from './plan-validator.js';

/** A small, valid plan: money (setup) <- catalog (core) <- cart (core), one test covering all. */
function validPlan(): MasterPlan {
  return masterPlanSchema.parse({
    name: 'bookshop',
    language: 'typescript',
    phases: [
      { id: 'p1', kind: 'setup', goal: 'foundations' },
      { id: 'p2', kind: 'core', goal: 'the shop' },
    ],
    milestones: [
      { id: 'm1', phaseId: 'p1', name: 'Money', goal: 'cents', dependsOn: [] },
      { id: 'm2', phaseId: 'p2', name: 'Shop', goal: 'catalog and cart', dependsOn: ['m1'] },
    ],
    tasks: [
      {
        id: 'money',
        milestoneId: 'm1',
        title: 'Money helpers',
        description: 'integer cents',
        file: 'src/money.ts',
        dependsOn: [],
        requirementIds: ['R1'],
        provides: [{ symbol: 'Cents' }, { symbol: 'formatCents' }],
        consumes: [],
        estimatedLoc: 40,
        subtasks: [{ id: 's1', title: 'type' }],
        code: 'export type Cents = number;\n',
      },
      {
        id: 'catalog',
        milestoneId: 'm2',
        title: 'Catalog',
        description: 'books',
        file: 'src/catalog.ts',
        dependsOn: ['money'],
        requirementIds: ['R2'],
        provides: [{ symbol: 'Catalog' }],
        consumes: [{ symbol: 'Cents', fromTaskId: 'money' }],
        estimatedLoc: 60,
        subtasks: [],
      },
      {
        id: 'cart',
        milestoneId: 'm2',
        title: 'Cart',
        description: 'totals',
        file: 'src/cart.ts',
        dependsOn: ['catalog', 'money'],
        requirementIds: ['R2', 'R3'],
        provides: [{ symbol: 'Cart' }],
        consumes: [
          { symbol: 'Catalog', fromTaskId: 'catalog' },
          { symbol: 'formatCents', fromTaskId: 'money' },
        ],
        estimatedLoc: 80,
        subtasks: [],
      },
    ],
    tests: [{ file: 'test/shop.test.ts', covers: ['money', 'catalog', 'cart'] }],
  });
}

function discovery(): DiscoveryDocument {
  return discoveryDocumentSchema.parse({
    domain: { name: 'Bookshop', description: 'sells books' },
    requirements: ['R1', 'R2', 'R3'].map((id) => ({
      id,
      text: `requirement ${id}`,
      priority: 'must',
      acceptanceCriteria: [],
    })),
    boundedContexts: [{ id: 'c1', name: 'Sales', description: '', responsibilities: [] }],
    aggregates: [],
    domainEvents: [],
    services: [],
    assumptions: [],
    openQuestions: [{ question: 'Currency?', blocking: false, defaultAnswer: 'EUR' }],
    risks: [],
  });
}

function codesOf(plan: MasterPlan, options = { discovery: discovery() }): PlanErrorCode[] {
  return validateMasterPlan(plan, options).errors.map((e) => e.code);
}

/** Applies a change to a fresh valid plan and returns the error codes. */
function codesAfter(change: (plan: MasterPlan) => void): PlanErrorCode[] {
  const plan = validPlan();
  change(plan);
  return codesOf(plan);
}

const task = (plan: MasterPlan, id: string) => plan.tasks.find((t) => t.id === id)!;

describe('validateMasterPlan', () => {
  it('accepts a well-formed plan that covers every requirement', () => {
    const result = validateMasterPlan(validPlan(), { discovery: discovery() });
    expect(result).toEqual({
      valid: true,
      errors: [],
      warnings: [],
      coverage: { requirements: { total: 3, covered: 3, uncovered: [] } },
    });
  });

  it('reports duplicate task, milestone, phase and subtask ids (duplicate_id)', () => {
    const plan = validPlan();
    plan.tasks.push({ ...task(plan, 'cart'), file: 'src/cart2.ts' });
    plan.milestones.push({ ...plan.milestones[0]! });
    plan.phases.push({ ...plan.phases[0]! });
    task(plan, 'money').subtasks.push({ id: 's1', title: 'again' });
    const errors = validateMasterPlan(plan).errors.filter((e) => e.code === 'duplicate_id');
    expect(errors.map((e) => e.path)).toEqual([
      'phases[2].id',
      'milestones[2].id',
      'tasks[3].id',
      'tasks[0].subtasks[1].id',
    ]);
  });

  it('reports dependencies on tasks and milestones that do not exist (unknown_dependency)', () => {
    const plan = validPlan();
    task(plan, 'cart').dependsOn.push('payments');
    plan.milestones[1]!.dependsOn.push('m9');
    plan.tests[0]!.covers.push('ghost');
    const errors = validateMasterPlan(plan).errors;
    expect(errors.filter((e) => e.code === 'unknown_dependency').map((e) => e.path)).toEqual([
      'milestones[1].dependsOn[1]',
      'tasks[2].dependsOn[2]',
      'tests[0].covers[3]',
    ]);
  });

  it('reports a cycle among tasks still to be drafted (dependency_cycle)', () => {
    const errors = validateMasterPlan(
      (() => {
        const plan = validPlan();
        task(plan, 'catalog').dependsOn.push('cart');
        return plan;
      })(),
    ).errors;
    expect(errors).toEqual([
      expect.objectContaining({
        code: 'dependency_cycle',
        path: 'tasks[1].dependsOn',
        message: expect.stringContaining('catalog -> cart'),
      }),
    ]);
  });

  it('only warns about a cycle through a drafted task, whose code already exists', () => {
    const plan = validPlan();
    task(plan, 'money').dependsOn.push('catalog');
    task(plan, 'money').milestoneId = 'm2';
    const result = validateMasterPlan(plan);
    expect(result.errors).toEqual([]);
    expect(result.warnings.map((w) => w.code)).toEqual(['dependency_cycle']);
  });

  it('reports a task depending on itself as a cycle', () => {
    expect(codesAfter((p) => task(p, 'cart').dependsOn.push('cart'))).toEqual(['dependency_cycle']);
  });

  it('reports milestones that depend on each other (dependency_cycle)', () => {
    expect(codesAfter((p) => p.milestones[0]!.dependsOn.push('m2'))).toContain('dependency_cycle');
  });

  it('reports two tasks owning one file, and a test file owned by a task (file_conflict)', () => {
    expect(codesAfter((p) => (task(p, 'cart').file = 'src/catalog.ts'))).toEqual(['file_conflict']);
    expect(codesAfter((p) => (p.tests[0]!.file = 'src/cart.ts'))).toEqual(['file_conflict']);
  });

  it.each(['../etc/passwd', '/abs/path.ts', 'src//x.ts', 'src\\x.ts', './src/x.ts'])(
    'reports the unsafe path %j (unsafe_path)',
    (file) => {
      expect(codesAfter((p) => (task(p, 'cart').file = file))).toEqual(['unsafe_path']);
      expect(codesAfter((p) => (p.tests[0]!.file = file))).toEqual(['unsafe_path']);
    },
  );

  it('reports a task file not of the plan language (file_language)', () => {
    expect(codesAfter((p) => (task(p, 'cart').file = 'src/cart.py'))).toEqual(['file_language']);
  });

  it('reports a task in a milestone that does not exist (unknown_milestone)', () => {
    expect(codesAfter((p) => (task(p, 'money').milestoneId = 'm7'))).toEqual(['unknown_milestone']);
  });

  it('reports a milestone in a phase that does not exist (unknown_phase)', () => {
    expect(codesAfter((p) => (p.milestones[0]!.phaseId = 'p9'))).toEqual(['unknown_phase']);
  });

  it('reports a task depending on work outside its milestone prerequisites (milestone_order)', () => {
    const plan = validPlan();
    // money (m1) now needs catalog (m2), but m1 does not depend on m2.
    task(plan, 'money').code = undefined;
    task(plan, 'money').dependsOn.push('catalog');
    const errors = validateMasterPlan(plan).errors;
    expect(errors.map((e) => e.code)).toEqual(['milestone_order', 'dependency_cycle']);
    expect(errors[0]!.path).toBe('tasks[0].dependsOn[0]');
  });

  it('accepts dependencies on transitive prerequisite milestones', () => {
    const plan = validPlan();
    plan.milestones.push({ id: 'm3', phaseId: 'p2', name: 'Polish', goal: '', dependsOn: ['m2'] });
    plan.tasks.push({
      ...task(plan, 'catalog'),
      id: 'receipt',
      milestoneId: 'm3',
      file: 'src/receipt.ts',
      dependsOn: ['money'],
      consumes: [],
      requirementIds: [],
    });
    plan.tests[0]!.covers.push('receipt');
    expect(codesOf(plan)).toEqual([]);
  });

  it('reports consuming from a task not depended on (undeclared_dependency)', () => {
    expect(
      codesAfter(
        (p) => (task(p, 'cart').dependsOn = task(p, 'cart').dependsOn.filter((d) => d !== 'money')),
      ),
    ).toEqual(['undeclared_dependency']);
  });

  it('reports consuming a symbol the other task does not provide (unprovided_symbol)', () => {
    expect(
      codesAfter((p) =>
        task(p, 'cart').consumes.push({ symbol: 'parseIsbn', fromTaskId: 'catalog' }),
      ),
    ).toEqual(['unprovided_symbol']);
  });

  it('reports a requirement id the discovery document does not have (unknown_requirement)', () => {
    expect(codesAfter((p) => task(p, 'cart').requirementIds.push('R42'))).toEqual([
      'unknown_requirement',
    ]);
  });

  it('does not check requirement ids without a discovery document', () => {
    const plan = validPlan();
    task(plan, 'cart').requirementIds.push('R42');
    expect(validateMasterPlan(plan).valid).toBe(true);
  });

  it('reports a must requirement no task covers and counts coverage (uncovered_requirement)', () => {
    const plan = validPlan();
    task(plan, 'cart').requirementIds = ['R2'];
    const result = validateMasterPlan(plan, { discovery: discovery() });
    expect(result.errors.map((e) => e.code)).toEqual(['uncovered_requirement']);
    expect(result.coverage).toEqual({ requirements: { total: 3, covered: 2, uncovered: ['R3'] } });
  });

  it('only warns about an uncovered should or could requirement', () => {
    const plan = validPlan();
    task(plan, 'cart').requirementIds = ['R2'];
    const doc = discovery();
    doc.requirements[2]!.priority = 'could';
    const result = validateMasterPlan(plan, { discovery: doc });
    expect(result.valid).toBe(true);
    expect(result.warnings.map((w) => w.code)).toEqual(['uncovered_requirement']);
  });

  it('reports a task estimated over the limit (task_too_large)', () => {
    expect(codesAfter((p) => (task(p, 'cart').estimatedLoc = 301))).toEqual(['task_too_large']);
    expect(validateMasterPlan(validPlan(), { maxTaskLoc: 50 }).errors.map((e) => e.path)).toEqual([
      'tasks[1].estimatedLoc',
      'tasks[2].estimatedLoc',
    ]);
  });

  it('reports a plan without tests (no_tests)', () => {
    expect(codesAfter((p) => (p.tests = []))).toEqual(['no_tests']);
  });

  it('warns about a task no test covers', () => {
    const plan = validPlan();
    plan.tests[0]!.covers = ['money', 'cart'];
    const result = validateMasterPlan(plan);
    expect(result.valid).toBe(true);
    expect(result.warnings).toEqual([
      expect.objectContaining({ code: 'untested_task', path: 'tasks[1]' }),
    ]);
  });
});

describe('validatePlanValue', () => {
  it('turns a value that is not a MasterPlan into invalid_schema errors naming the field', () => {
    const plan = JSON.parse(JSON.stringify(validPlan())) as Record<string, unknown[]>;
    delete (plan.tasks![1] as Record<string, unknown>).milestoneId;
    const result = validatePlanValue(plan);
    expect(result.valid).toBe(false);
    expect(result.errors).toEqual([
      expect.objectContaining({ code: 'invalid_schema', path: 'tasks[1].milestoneId' }),
    ]);
  });

  it('validates a decoded plan like validateMasterPlan', () => {
    expect(validatePlanValue(JSON.parse(JSON.stringify(validPlan()))).valid).toBe(true);
  });
});

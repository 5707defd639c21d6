import {
  assembleMasterPlan,
  diffMasterPlans,
  issuesByMilestone,
  milestoneAnswerSchema,
  skeletonSchema,
} from './masterplan-steps.js';
import { validateMasterPlan } from './plan-validator.js';

const skeleton = skeletonSchema.parse({
  name: 'shop',
  language: 'typescript',
  phases: [{ id: 'P1', kind: 'setup', goal: '' }],
  milestones: [
    { id: 'M1', phaseId: 'P1', name: 'Money', goal: '' },
    { id: 'M2', phaseId: 'P1', name: 'Cart', goal: '', dependsOn: ['M1'] },
  ],
  coverage: [
    { milestoneId: 'M1', requirementIds: ['R1'] },
    { milestoneId: 'M2', requirementIds: ['R2'] },
  ],
});
const task = (id: string, milestoneId: string, dependsOn: string[] = []) => ({
  id,
  milestoneId,
  title: id,
  description: '',
  file: `src/${id}.ts`,
  dependsOn,
  requirementIds: [],
  estimatedLoc: 20,
});
const answers = (m2: object[]) =>
  new Map([
    [
      'M1',
      milestoneAnswerSchema.parse({
        tasks: [task('money', 'M1')],
        tests: [{ file: 'test/money.test.ts', covers: ['money'] }],
      }),
    ],
    [
      'M2',
      milestoneAnswerSchema.parse({
        tasks: m2,
        tests: [{ file: 'test/cart.test.ts', covers: ['cart'] }],
      }),
    ],
  ]);

describe('assembleMasterPlan', () => {
  it('puts each milestone step’s tasks in that milestone, in skeleton order', () => {
    const plan = assembleMasterPlan(skeleton, answers([task('cart', 'M9', ['money'])]));
    expect(plan.tasks.map((t) => [t.id, t.milestoneId])).toEqual([
      ['money', 'M1'],
      ['cart', 'M2'],
    ]);
    expect(plan.tests.map((t) => t.file)).toEqual(['test/money.test.ts', 'test/cart.test.ts']);
    expect(validateMasterPlan(plan).valid).toBe(true);
  });
});

describe('issuesByMilestone', () => {
  it('sends a task error to its milestone and an uncovered requirement to the milestone covering it', () => {
    const plan = assembleMasterPlan(skeleton, answers([task('cart', 'M2', ['money', 'ghost'])]));
    const grouped = issuesByMilestone(
      plan,
      skeleton,
      [
        ...validateMasterPlan(plan).errors,
        { code: 'uncovered_requirement', path: 'discovery.requirements[0]', message: 'R1' },
      ],
      ['R1', 'R2'],
    );
    expect([...grouped].map(([m, issues]) => [m, issues.map((i) => i.code)])).toEqual([
      ['M2', ['unknown_dependency']],
      ['M1', ['uncovered_requirement']],
    ]);
  });
});

describe('diffMasterPlans', () => {
  it('lists added, removed and changed tasks with the changed fields', () => {
    const before = assembleMasterPlan(skeleton, answers([task('cart', 'M2', ['money'])]));
    const after = assembleMasterPlan(
      skeleton,
      answers([{ ...task('cart', 'M2', ['money']), estimatedLoc: 40 }, task('tax', 'M2')]),
    );
    expect(diffMasterPlans(before, after).tasks).toEqual({
      added: ['tax'],
      removed: [],
      changed: [{ id: 'cart', fields: ['estimatedLoc'] }],
    });
  });
});

import { parse as parseYaml } from 'yaml';
import { z } from 'zod';
import { LANGUAGES, PLAN_MODES, SCHEDULING_MODES, acceptsFile } from './domain.js';
import { InvalidInputError } from './errors.js';

/** Longest path a plan may name, in characters. */
export const MAX_PATH_LENGTH = 500;
/** Longest single path segment, in UTF-8 bytes (NAME_MAX on Linux and macOS). */
export const MAX_PATH_SEGMENT_BYTES = 255;

const utf8 = new TextEncoder();

/** NUL, C0 controls (newline, tab, escape, ...) and DEL. */
function isControlCharacter(c: string): boolean {
  const code = c.charCodeAt(0);
  return code < 0x20 || code === 0x7f;
}

/**
 * The one schema of a path a plan names (task files, test files): a file inside the output
 * workspace. Relative, forward slashes, no `.`/`..`/empty segments, no drive letter, no NUL or
 * other control character, each segment a legal file name length. Anything else would be a 500
 * (or worse, a write outside the workspace) further down; here it is a 400 naming the field.
 */
export const workspacePathSchema = z
  .string()
  .min(1, 'must not be empty')
  .max(MAX_PATH_LENGTH, `must be at most ${MAX_PATH_LENGTH} characters`)
  .refine((p) => ![...p].some(isControlCharacter), 'must not contain NUL or control characters')
  .refine((p) => !p.startsWith('/') && !/^[a-zA-Z]:/.test(p), 'must be a relative path')
  .refine((p) => !p.includes('\\'), 'must use forward slashes')
  .refine(
    (p) => !p.split('/').some((s) => s === '..' || s === '' || s === '.'),
    'must not contain empty, "." or ".." segments',
  )
  .refine(
    (p) => p.split('/').every((s) => utf8.encode(s).length <= MAX_PATH_SEGMENT_BYTES),
    `each segment must be at most ${MAX_PATH_SEGMENT_BYTES} bytes`,
  );

const taskId = z
  .string()
  .min(1)
  .max(100)
  .regex(/^[A-Za-z0-9_.-]+$/, 'may only contain letters, digits, "_", "." and "-"');

export const planTaskSchema = z.object({
  id: taskId,
  title: z.string().min(1).max(200),
  description: z.string().max(10_000).default(''),
  file: workspacePathSchema,
  code: z.string().max(2_000_000),
  dependsOn: z.array(taskId).default([]),
});

export const planTestSchema = z.object({
  file: workspacePathSchema,
  code: z.string().max(2_000_000),
});

export const planInputSchema = z
  .object({
    name: z.string().min(1).max(200),
    language: z.enum(LANGUAGES),
    description: z.string().max(20_000).optional(),
    /** Engine override for this plan (`mvp` | `v2`); else the tenant's or the fleet's setting decides. */
    mode: z.enum(PLAN_MODES).optional(),
    /** `eager` (default): an atom starts when its own prerequisites are done; `waves`: wave by wave. */
    scheduling: z.enum(SCHEDULING_MODES).optional(),
    /** Caps for this plan; the server's defaults apply when absent. */
    budget: z
      .object({
        dollars: z.number().positive().optional(),
        tokens: z.number().int().positive().optional(),
      })
      .strict()
      .optional(),
    tasks: z.array(planTaskSchema).min(1, 'a plan needs at least one task').max(10_000),
    tests: z.array(planTestSchema).max(1_000).default([]),
  })
  .superRefine((plan, ctx) => {
    const ids = new Set<string>();
    const files = new Set<string>();
    plan.tasks.forEach((task, i) => {
      if (ids.has(task.id))
        ctx.addIssue({
          code: 'custom',
          path: ['tasks', i, 'id'],
          message: `duplicate task id "${task.id}"`,
        });
      ids.add(task.id);
      if (files.has(task.file))
        ctx.addIssue({
          code: 'custom',
          path: ['tasks', i, 'file'],
          message: `file "${task.file}" is already written by another task`,
        });
      files.add(task.file);
      if (!acceptsFile(plan.language, task.file)) {
        ctx.addIssue({
          code: 'custom',
          path: ['tasks', i, 'file'],
          message: `"${task.file}" is not a ${plan.language} source file`,
        });
      }
    });
    plan.tasks.forEach((task, i) => {
      task.dependsOn.forEach((dep, j) => {
        if (!ids.has(dep))
          ctx.addIssue({
            code: 'custom',
            path: ['tasks', i, 'dependsOn', j],
            message: `unknown task id "${dep}"`,
          });
        if (dep === task.id)
          ctx.addIssue({
            code: 'custom',
            path: ['tasks', i, 'dependsOn', j],
            message: 'a task cannot depend on itself',
          });
      });
    });
    plan.tests.forEach((test, i) => {
      if (files.has(test.file))
        ctx.addIssue({
          code: 'custom',
          path: ['tests', i, 'file'],
          message: `test file "${test.file}" collides with a task file`,
        });
    });
  });

export type PlanInput = z.infer<typeof planInputSchema>;
export type PlanTask = PlanInput['tasks'][number];

/** One line per problem: `tasks[1].file: "x.rb" is not a typescript source file`. */
export function formatZodError(error: z.ZodError): string {
  return error.issues
    .map((issue) => {
      const where = issue.path.reduce<string>(
        (acc, seg) =>
          typeof seg === 'number' ? `${acc}[${seg}]` : acc ? `${acc}.${String(seg)}` : String(seg),
        '',
      );
      return where ? `${where}: ${issue.message}` : issue.message;
    })
    .join('\n');
}

/** Validates an already-decoded plan object. Throws InvalidInputError naming every problem. */
export function parsePlan(value: unknown): PlanInput {
  const result = planInputSchema.safeParse(value);
  if (!result.success) {
    throw new InvalidInputError(
      `invalid plan:\n${formatZodError(result.error)}`,
      result.error.issues,
    );
  }
  return result.data;
}

/** Decodes plan text as JSON or YAML (YAML is a superset; JSON errors stay JSON-shaped). */
export function parsePlanText(text: string, format: 'json' | 'yaml' | 'auto' = 'auto'): PlanInput {
  const looksJson = format === 'json' || (format === 'auto' && /^\s*[{[]/.test(text));
  let value: unknown;
  try {
    value = looksJson ? JSON.parse(text) : parseYaml(text);
  } catch (cause) {
    const reason = cause instanceof Error ? cause.message : String(cause);
    throw new InvalidInputError(
      `plan is not valid ${looksJson ? 'JSON' : 'YAML'}: ${reason}`,
      undefined,
      { cause },
    );
  }
  return parsePlan(value);
}

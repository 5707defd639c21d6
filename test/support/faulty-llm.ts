import type { GenerateRequest, GenerateResult, LlmProvider } from '@mge/llm';
import { startTestFleet, type TestFleet } from './fleet';

/** The phrase a reviewer's note must contain for the faulty provider to answer correctly. */
export const FIXING_NOTE = 'keep the signature; return a + b';

/**
 * Wraps a provider so that every answer for atoms matching `breaks` fails L1 (an unbalanced
 * bracket), on every attempt, unless the prompt carries {@link FIXING_NOTE}: an atom that fails
 * its whole attempt budget, deterministically. Records the prompts it saw.
 */
export function faultyLlm(
  inner: LlmProvider,
  breaks: (request: GenerateRequest) => boolean,
): LlmProvider & { prompts: string[] } {
  const prompts: string[] = [];
  return {
    name: inner.name,
    prompts,
    async generate(request: GenerateRequest): Promise<GenerateResult> {
      const result = await inner.generate(request);
      if (!breaks(request)) return result;
      prompts.push(request.prompt);
      if (request.prompt.includes(FIXING_NOTE)) return result;
      return { ...result, text: `${result.text.trimEnd()}\nconst __broken = (;\n` };
    },
  };
}

/** The `add` atom of `threeFilePlan`'s math task: everything in stats and report depends on it. */
export const breaksAdd = (request: GenerateRequest): boolean =>
  request.file === 'src/math.ts' && request.draftCode.includes('function add');

/** A test fleet whose provider breaks `threeFilePlan`'s `add` atom on every attempt. */
export async function startFleetBreakingAdd(env: Record<string, string> = {}): Promise<{
  fleet: TestFleet;
  llm: ReturnType<typeof faultyLlm>;
}> {
  const fleet = await startTestFleet(env);
  const llm = faultyLlm(fleet.resources.llm, breaksAdd);
  fleet.resources.llm = llm;
  return { fleet, llm };
}

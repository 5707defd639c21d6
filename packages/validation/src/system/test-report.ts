/** One failing, hung or crashed test file as read back from a sandboxed run. */
export interface TestFailure {
  testFile: string;
  testName?: string;
  kind: 'failed' | 'timeout' | 'crash';
  message: string;
  /** Stack frames, innermost first, with workspace-relative paths. */
  frames: { file: string; line: number }[];
}

/** Exit statuses of a process killed by `timeout -s KILL` or by RLIMIT_CPU (SIGXCPU / SIGKILL). */
const KILLED = new Set([124, 137, 152]);

export function wasKilled(exitCode: number | undefined): boolean {
  return exitCode !== undefined && KILLED.has(exitCode);
}

/** `file:///work/src/a.ts:3:9` or `/work/src/a.ts:3` -> a workspace-relative frame. */
export function relativeFrame(
  file: string,
  line: number,
  roots: readonly string[],
): { file: string; line: number } | undefined {
  const bare = file.replace(/^file:\/\//, '');
  for (const root of roots) {
    const prefix = root.endsWith('/') ? root : `${root}/`;
    if (bare.startsWith(prefix)) return { file: bare.slice(prefix.length), line };
  }
  return undefined;
}

/** Frames of a JavaScript stack trace (`at f (file:///work/x.ts:1:2)`), innermost first. */
export function scriptFrames(text: string, roots: readonly string[]): TestFailure['frames'] {
  const frames: TestFailure['frames'] = [];
  for (const match of text.matchAll(/((?:file:\/\/)?\/[^\s():]+):(\d+)(?::\d+)?/g)) {
    const frame = relativeFrame(match[1]!, Number(match[2]), roots);
    if (frame) frames.push(frame);
  }
  return frames;
}

/** Frames of a Python traceback (`File "/work/x.py", line 3`), innermost first. */
export function pythonFrames(text: string, roots: readonly string[]): TestFailure['frames'] {
  const frames: TestFailure['frames'] = [];
  for (const match of text.matchAll(/File "([^"]+)", line (\d+)/g)) {
    const frame = relativeFrame(match[1]!, Number(match[2]), roots);
    if (frame) frames.push(frame);
  }
  return frames.reverse();
}

/** Splits the runner's combined output into per-file segments ending with `MGE-EXIT <code> <file>`. */
export function splitByFile(
  stdout: string,
): Map<string, { file: string; exitCode: number; output: string }> {
  const segments = new Map<string, { file: string; exitCode: number; output: string }>();
  let start = 0;
  for (const match of stdout.matchAll(/^MGE-EXIT (\d+) (.+)$/gm)) {
    segments.set(match[2]!, {
      file: match[2]!,
      exitCode: Number(match[1]),
      output: stdout.slice(start, match.index),
    });
    start = match.index + match[0].length + 1;
  }
  return segments;
}

/** The last `max` characters, for messages. */
export function tail(text: string, max = 1500): string {
  const trimmed = text.trim();
  return trimmed.length > max ? `...${trimmed.slice(-max)}` : trimmed;
}

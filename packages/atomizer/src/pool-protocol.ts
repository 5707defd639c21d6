import type { FileLanguage } from '@mge/core';
import type { AtomizedFile, AtomizeOptions } from './atomize.js';

/** Messages between `AtomizerPool` and its worker threads (structured-clone safe). */
export interface PoolRequest {
  id: number;
  code: string;
  file: string;
  language: FileLanguage | undefined;
  options: AtomizeOptions | undefined;
}

export type PoolReply =
  | { id: number; ok: true; result: AtomizedFile }
  | { id: number; ok: false; error: { message: string; invalidInput: boolean; details: unknown } };

import type { FileLanguage } from '@mge/core';
import type { TreeNode } from '@mge/atomizer';
import { EcmaScriptWalker } from './ecmascript.js';
import { PythonWalker } from './python.js';
import type { FileSymbols } from './types.js';

/** Definitions, references, imports and exports of one parsed file, with their scopes. */
export function extractSymbols(root: TreeNode, path: string, language: FileLanguage): FileSymbols {
  return language === 'python'
    ? PythonWalker.collect(root, path)
    : EcmaScriptWalker.collect(root, path, language);
}

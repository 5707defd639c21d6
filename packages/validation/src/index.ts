export { validateAtom, type AtomInFile } from './atom-level.js';
export { assembleFile, validateModule, type AssembledAtom } from './module-level.js';
export { syntaxDiagnostics } from './syntax.js';

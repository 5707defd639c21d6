export * from './platform.js';
export * from './masterplan.js';
export * from './atoms.js';

export * from './plans.js';
export * from './atoms.js';
export * from './graph.js';
export * from './validation.js';
export * from './tenants.js';
export * from './usage.js';

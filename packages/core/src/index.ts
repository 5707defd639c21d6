export * from './domain.js';
export * from './errors.js';
export * from './plan-schema.js';
export * from './plan-mode.js';
export * from './plan-state.js';

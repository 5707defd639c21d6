export * from './platform.js';
export * from './masterplan.js';
export * from './atoms.js';
export * from './accounts.js';
export * from './retrieval.js';
export * from './conversations.js';

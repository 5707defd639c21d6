export { createApp, type AppDeps } from './app.js';
export { startApi, DEFAULT_TENANT, type RunningApi } from './server.js';

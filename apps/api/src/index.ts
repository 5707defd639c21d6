export { createApp, type AppDeps } from './app.js';
export { startApi, DEFAULT_TENANT, type RunningApi } from './server.js';
export { openApiDocument } from './openapi.js';
export { hashPassword } from './accounts/passwords.js';

export { startFleet, type Fleet, type FleetOptions } from './fleet.js';
export { ensureRedis, freePort } from './local-redis.js';

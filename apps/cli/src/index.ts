export { startFleet, type Fleet, type FleetOptions } from './fleet.js';
export { ensureRedis } from './local-redis.js';

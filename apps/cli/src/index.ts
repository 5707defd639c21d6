export { startFleet, type Fleet, type FleetOptions } from './fleet.js';
export { ensureRedis, freePort } from './local-redis.js';
export { ensureChroma } from './local-chroma.js';
export {
  smallBehindLarge,
  type SmallBehindLarge,
  type SmallBehindLargeOptions,
} from './commands/bench-fairness.js';

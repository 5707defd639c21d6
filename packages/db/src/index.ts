export * from './schema/index.js';
export * from './repositories/index.js';
export {
  openDatabase,
  type DatabaseHandle,
  type DatabaseOptions,
  type Db,
  type Tx,
  type Schema,
} from './client.js';

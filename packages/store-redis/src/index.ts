export {
  createRedisStore,
  type RedisScriptClient,
  RedisStoreError,
  type RedisStoreOptions,
  type ScriptArguments,
} from './redis-store';

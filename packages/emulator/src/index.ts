export {
  type ApiKeyConfig,
  type ApiKeyOption,
  DEFAULT_TEST_KEY,
  keyFingerprint,
} from './auth';
export {
  type AlayaErrorEnvelope,
  errorEnvelope,
  STATUS_DEFAULTS,
  type StatusDefaults,
} from './envelope';
export {
  type EmulatorFault,
  type FaultBody,
  type FaultMatch,
  InvalidFaultError,
  parseFault,
} from './faults';
export {
  DEFAULT_EMBEDDING_MODEL,
  DEFAULT_MODELS,
  defaultModels,
  type EmulatorModel,
  type EmulatorModelOption,
} from './models';
export {
  type ErrorStyle,
  ONE_API_DEFAULTS,
  ONE_API_SATURATION_MESSAGE,
} from './one-api-envelope';
export {
  type AlayaPlan,
  PLAN_LIMITS,
  type QuotaExhaustedMode,
  THROTTLED_LIMITS,
} from './plans';
export type { RateLimits } from './rate-limiter';
export type { EmulatorRequestRecord, RequestOutcome } from './request-log';
export { SchemaTooLargeError } from './schema-budget';
export { type JsonSchema, type SchemaValueContext, schemaValue } from './schema-value';
export {
  type Emulator,
  type EmulatorOptions,
  FAULT_HEADER,
  startEmulator,
} from './start-emulator';
export {
  InvalidStreamOptionsError,
  STREAM_HEADER,
  type StreamOptions,
} from './stream-shaping';

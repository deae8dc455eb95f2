export {
  type AlayaOpenTelemetryOptions,
  ATTEMPT_SPAN_NAME,
  alayaOpenTelemetry,
} from './alaya-open-telemetry';

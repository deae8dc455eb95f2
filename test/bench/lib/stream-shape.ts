/**
 * Request headers that make the emulator stream exactly `chunks` content deltas, as fast as it can
 * (its per-request stream shaping header `x-alaya-emulator-stream`, see packages/emulator/README.md).
 */
export function streamChunksHeaders(chunks: number): Record<string, string> {
  return { 'x-alaya-emulator-stream': JSON.stringify({ chunks }) };
}

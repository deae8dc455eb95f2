import {
  ALAYA_METADATA_KEY,
  type AlayaMiddlewareOptions,
  alayaMiddleware,
} from '@alaya-code/ai-sdk-middleware';
import { type ProviderMetadata, wrapLanguageModel } from 'ai';
import type { SceneContext } from '../scene';
import type { Emulator } from '../setup';

/** One request as the emulator logged it. */
export type EmulatorRequest = Emulator['requests'][number];

/**
 * The way an app is meant to use Alaya: the provider's model wrapped in the resilience middleware.
 * `modelId` defaults to the demo's chat model.
 */
export function resilientModel(
  context: SceneContext,
  options: AlayaMiddlewareOptions = {},
  modelId: string = context.target.models.chat,
) {
  return wrapLanguageModel({
    model: context.target.alaya(modelId),
    middleware: alayaMiddleware(options),
  });
}

/** The in-process emulator; fault scenes are marked `needsEmulator`, so it is there. */
export function requireEmulator(context: SceneContext): Emulator {
  const { emulator } = context.target;
  if (!emulator) context.skip('needs the emulator');
  return emulator;
}

/** Starts watching the emulator's request log; the returned function gives the requests since then. */
export function watchRequests(emulator: Emulator): () => EmulatorRequest[] {
  const before = new Set(emulator.requests);
  return () => emulator.requests.filter(request => !before.has(request));
}

/** Which model answered, as the middleware records it in the provider metadata. */
export function answeredBy(providerMetadata: ProviderMetadata | undefined): string | undefined {
  const entry = providerMetadata?.[ALAYA_METADATA_KEY];
  return typeof entry?.modelId === 'string' ? entry.modelId : undefined;
}

/** Shortens text for one printed line. */
export function clip(text: string, max = 72): string {
  const flat = text.replace(/\s+/g, ' ').trim();
  return flat.length <= max ? flat : `${flat.slice(0, max - 1)}…`;
}

import { alayaMiddleware } from '@alaya-code/ai-sdk-middleware';
import { wrapLanguageModel } from 'ai';
import type { SceneContext } from '../scene';
import type { Emulator } from '../setup';

/** Options of the Alaya middleware, as its factory declares them. */
export type MiddlewareOptions = NonNullable<Parameters<typeof alayaMiddleware>[0]>;

/**
 * The way an app is meant to use Alaya: the provider's model wrapped in the resilience middleware.
 * `modelId` defaults to the demo's chat model.
 */
export function resilientModel(
  context: SceneContext,
  options: MiddlewareOptions = {},
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

/** Shortens text for one printed line. */
export function clip(text: string, max = 72): string {
  const flat = text.replace(/\s+/g, ' ').trim();
  return flat.length <= max ? flat : `${flat.slice(0, max - 1)}…`;
}

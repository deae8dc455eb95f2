import type { Scene } from '../scene';
import { abortScene } from './abort';
import { embeddingsScene } from './embeddings';
import { fallbackScene } from './fallback';
import { generateTextScene } from './generate-text';
import { listModelsScene } from './list-models';
import { quotaScene } from './quota';
import { retryAfterScene } from './retry-after';
import { streamTextScene } from './stream-text';
import { structuredOutputScene } from './structured-output';
import { toolLoopScene } from './tool-loop';

/** Every scene, in the order the demo runs them. */
export const scenes: readonly Scene[] = [
  listModelsScene,
  generateTextScene,
  streamTextScene,
  toolLoopScene,
  structuredOutputScene,
  embeddingsScene,
  retryAfterScene,
  fallbackScene,
  quotaScene,
  abortScene,
];

import type { DemoTarget } from './setup';
import type { Ui } from './ui';

/** What a scene gets to work with. */
export interface SceneContext {
  /** The emulator or the real service, the provider, and the model ids to use. */
  readonly target: DemoTarget;
  readonly ui: Ui;
  /** Aborted when the scene runs over its time budget or the user presses Ctrl-C. */
  readonly signal: AbortSignal;
  /** Milliseconds since the scene started. */
  elapsed(): number;
  /** Prints the call the scene demonstrates, as code. */
  code(text: string): void;
  /** Prints one step of the scene, stamped with the time since the scene started. */
  step(text: string): void;
  /** Prints raw text on the current line (streamed tokens). */
  write(text: string): void;
  /** Records and prints one expectation; the scene fails if any check fails. */
  check(ok: boolean, description: string): boolean;
  /** Ends the scene as skipped, with a reason shown to the user. */
  skip(reason: string): never;
}

/** One labelled part of the demo. */
export interface Scene {
  /** Position in the demo: `1`..`6`, `7a`..`7d`. */
  readonly id: string;
  /** The name for `--scene`. */
  readonly name: string;
  /** The label printed above the scene. */
  readonly title: string;
  /** One line for `--list`. */
  readonly summary: string;
  /** Fault scenes script the emulator, so they are skipped against the real service. */
  readonly needsEmulator?: boolean;
  run(context: SceneContext): Promise<void>;
}

const skipMarker = Symbol.for('alaya.example-node.skip');

/** Thrown by `context.skip()`: the scene did not run, by design. */
export class SceneSkipped extends Error {
  readonly [skipMarker] = true;

  constructor(readonly reason: string) {
    super(reason);
    this.name = 'SceneSkipped';
  }

  static isInstance(error: unknown): error is SceneSkipped {
    return typeof error === 'object' && error !== null && skipMarker in error;
  }
}

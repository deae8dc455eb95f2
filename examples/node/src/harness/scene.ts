import type { EmulatorFault, EmulatorRequestRecord, RateLimits } from '@alaya-code/emulator';

/** What a scene's checks get to look at after its example ran. */
export interface SceneRun<T> {
  /** What the example returned. */
  readonly value: T;
  /** The requests the emulator saw during the scene; empty against the real service. */
  readonly requests: readonly EmulatorRequestRecord[];
  /** How long the example took, in milliseconds. */
  readonly ms: number;
  /** True when the scene ran against the in-process emulator. */
  readonly emulated: boolean;
}

/**
 * One scene of the demo: an example a user can lift as it is (`run`), and what the demo checks after it
 * ran. The scene's name is its file name.
 */
export interface Scene<T = unknown> {
  /** One line for the report. */
  readonly title: string;
  /** The example. It reads `ALAYA_API_KEY` and `ALAYA_BASE_URL` like any app does. */
  readonly run: () => Promise<T>;
  /**
   * Faults the emulator applies to the next matching requests. A scene with faults needs the emulator:
   * against the real service it is skipped, with this explanation.
   */
  readonly faults?: readonly EmulatorFault[];
  /**
   * Rate limits the emulator holds the key to while the scene runs (none before and after). Like
   * faults, they need the emulator: against the real service the scene is skipped.
   */
  readonly limits?: RateLimits;
  /** What must hold after the run: a description of each expectation, and whether it held. */
  readonly checks: (run: SceneRun<T>) => Record<string, boolean>;
  /**
   * When `run` throws: a reason to report the scene as skipped rather than failed (for example, a model
   * the real service's plan does not have), or undefined to fail it.
   */
  readonly skipOn?: (error: unknown, emulated: boolean) => string | undefined;
}

/** Declares a scene; only here so that `checks` sees the type `run` returns. */
export function defineScene<T>(scene: Scene<T>): Scene<T> {
  return scene;
}

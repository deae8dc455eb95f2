/** Everything a contender is built from: one emulator, one key, the bench's traffic fetch. */
export type ContenderEnv = {
  baseURL: string;
  apiKey: string;
  /** The bench's fetch (fault injection + attempt log); every HTTP request must go through it. */
  fetch: typeof globalThis.fetch;
  /** The model every call asks for. */
  modelId: string;
  /** A second, healthy model for contenders that can fall back (only when the schedule allows). */
  fallbackModelId: string | undefined;
  /** The per-call deadline; every call also gets an AbortSignal that fires at this time. */
  deadlineMs: number;
  /** The key's true limit (contention runs only); only the oracle is told it. */
  limit?: TrueLimit;
};

/** A rate limit as the emulator enforces it: per sliding window of `windowMs`. */
export type TrueLimit = {
  requestsPerWindow: number;
  tokensPerWindow?: number;
  windowMs: number;
  /** Tokens one call of the run uses (prompt plus answer), measured before the run. */
  tokensPerCall?: number;
};

/** One logical call as the bench issues it. */
export type CallArgs = {
  /** Sent as the `x-bench-call` header so the traffic log can group attempts by call. */
  callId: string;
  prompt: string;
  /** Fires at the deadline. */
  abortSignal: AbortSignal;
  /** Streaming contenders call it at their first piece of text (time to first content). */
  onContent?: () => void;
  /** Who the call is for (the lanes section): contenders that know lanes pass it on, others ignore it. */
  lane?: CallLane;
};

/** A call's lane and tenant, as `providerOptions.alayaMiddleware` takes them. */
export type CallLane = { priority: 'interactive' | 'background'; tenant?: string };

/** Runs one logical call; resolves with the generated text, rejects when the call failed. */
export type CallFn = (args: CallArgs) => Promise<string>;

/** A way of calling the model that the recovery and contention sections compare. */
export type Contender = {
  /** Short name used in tables. */
  name: string;
  /** The configuration, as printed in the report. */
  config: string;
  /** Whether this contender can use {@link ContenderEnv.fallbackModelId}. */
  canFallBack: boolean;
  /** Only schedules that need a fallback (ai-fallback is a fallback-only library). */
  fallbackOnly?: boolean;
  /** Builds one instance (one per run, shared by the run's concurrent calls). */
  build(env: ContenderEnv): CallFn;
  /**
   * For a contender whose settings a user derives from their own traffic (ours with hedging: when to
   * hedge): the contender to run, given the healthy figures measured in the same run without faults.
   */
  tune?(healthy: HealthyFigures): Contender;
  /** Ours with hedging: the `waitedMs` of the hedges it sent since the last call (then forgotten). */
  takeHedgeWaits?(): number[];
};

/** Healthy (fault-free) figures of a schedule, measured in the same run before the faulted runs. */
export type HealthyFigures = {
  /** p99 time to first text of the fault-free calls measured. */
  firstContentP99Ms: number;
  /** How many calls it was measured over. */
  calls: number;
};

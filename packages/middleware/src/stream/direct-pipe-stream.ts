/** Where a {@link DirectSource} passes its parts: the stream's own queue, or a writable it is piped into. */
export interface PartSink<T> {
  /** Passes `part` on. */
  enqueue(part: T): void;
  /** Ends the stream after the parts passed on. */
  close(): void;
  /** Errors the stream with `reason`. */
  error(reason: unknown): void;
}

/** A pull source for {@link directPipeStream}. */
export interface DirectSource<T> {
  /** Called once, before the first pull, with where the parts go. */
  start(sink: PartSink<T>): void;
  /** Passes at least one part on, or ends or errors the sink (a pull that does neither is not repeated). */
  pull(): Promise<void> | void;
  /** The consumer went away (cancelled the stream, or the writable it was piped into failed). */
  cancel(reason: unknown): void;
}

const ignore = (): void => {};

/**
 * A `ReadableStream` of `source` that nothing is pulled from before a read (high-water mark 0). It
 * reads as any stream, except `pipeThrough(transform)` (no options) on a stream nothing has read yet,
 * which is how the AI SDK consumes a model's stream: the source then writes its parts straight into
 * `transform.writable`, with no queue, pull and read of this stream between them per part (through
 * `streamText`, such a hop costs about 2.5 % of the SDK's own CPU time per part). It keeps the
 * pipe's semantics: the stream is locked, the writable is written with backpressure (a pull only
 * when it has room), closed when the source ends and aborted when it errors, and a failure of the
 * writable (the transform's reader cancelled) cancels the source at once. Anything else
 * (`getReader`, `pipeTo`, `tee`, pipe options, a stream already read) takes the stream's own path.
 */
export function directPipeStream<T>(source: DirectSource<T>): ReadableStream<T> {
  return new DirectPipeStream(source);
}

/** Whether a stream's source was started, and by which path. */
interface Started {
  started: boolean;
}

/** One class for every stream (a class per stream would give each its own shape). */
class DirectPipeStream<T> extends ReadableStream<T> {
  readonly #source: DirectSource<T>;
  readonly #state: Started;

  constructor(source: DirectSource<T>) {
    const state: Started = { started: false };
    super(
      {
        pull(controller) {
          if (!state.started) {
            state.started = true;
            source.start(controller);
          }
          return source.pull();
        },
        cancel: reason => source.cancel(reason),
      },
      { highWaterMark: 0 },
    );
    this.#source = source;
    this.#state = state;
  }

  override pipeThrough<U>(
    transform: ReadableWritablePair<U, T>,
    options?: StreamPipeOptions,
  ): ReadableStream<U> {
    if (this.#state.started || options !== undefined || this.locked || transform.writable.locked) {
      return super.pipeThrough(transform, options);
    }
    this.#state.started = true;
    this.getReader(); // locked, as a piped stream is; nothing reads through it
    pipeInto(transform.writable, this.#source);
    return transform.readable;
  }
}

/** Pumps `source` into `writable`; see {@link directPipeStream}. */
function pipeInto<T>(writable: WritableStream<T>, source: DirectSource<T>): void {
  const writer = writable.getWriter();
  let ended = false;
  source.start({
    enqueue: part => void writer.write(part).catch(ignore),
    close() {
      ended = true;
      writer.close().catch(ignore);
    },
    error(reason) {
      ended = true;
      writer.abort(reason).catch(ignore);
    },
  });
  const cancel = (reason: unknown): void => {
    if (ended) return;
    ended = true;
    source.cancel(reason);
  };
  // The writable failed (its reader cancelled, or the transform threw): the source stops at once,
  // even while a pull waits on it.
  writer.closed.catch(cancel);
  void (async () => {
    while (!ended) {
      if ((writer.desiredSize ?? 0) <= 0) {
        try {
          await writer.ready;
        } catch (reason) {
          return cancel(reason);
        }
        if (ended) return;
      }
      try {
        await source.pull();
      } catch (reason) {
        if (ended) return;
        ended = true;
        writer.abort(reason).catch(ignore);
      }
    }
  })();
}

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
  /** Whether the source was started, by either path. */
  let started = false;
  const stream = new ReadableStream<T>(
    {
      pull(controller) {
        if (!started) {
          started = true;
          source.start(controller);
        }
        return source.pull();
      },
      cancel: reason => source.cancel(reason),
    },
    { highWaterMark: 0 },
  );
  // An own `pipeThrough` on a plain stream, not a subclass: on Node 20 a subclass of
  // `ReadableStream` (with fields of its own) costs about half as much again to construct, once per call.
  const pipeThrough = function pipeThrough<U>(
    this: ReadableStream<T>,
    transform: ReadableWritablePair<U, T>,
    options?: StreamPipeOptions,
  ): ReadableStream<U> {
    if (started || options !== undefined || this.locked || transform.writable.locked) {
      return ReadableStream.prototype.pipeThrough.call(
        this,
        transform,
        options,
      ) as ReadableStream<U>;
    }
    started = true;
    this.getReader(); // locked, as a piped stream is; nothing reads through it
    pipeInto(transform.writable, source);
    return transform.readable;
  };
  Object.defineProperty(stream, 'pipeThrough', {
    value: pipeThrough,
    writable: true,
    configurable: true,
  });
  return stream;
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

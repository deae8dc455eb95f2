import type { InferUITools, UIDataTypes, UIMessage } from 'ai';
import type { tools } from './calculator';

/** Metadata the route attaches to each assistant message when it finishes. */
export interface ChatMetadata {
  /** The model that answered. */
  model?: string;
  /** Retries the middleware needed before the answer came through (429, 5xx, dropped connections). */
  retries?: number;
}

/** The UI message type shared by the route and the page: text, reasoning and calculator tool parts. */
export type ChatMessage = UIMessage<ChatMetadata, UIDataTypes, InferUITools<typeof tools>>;

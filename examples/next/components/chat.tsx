'use client';

import { useChat } from '@ai-sdk/react';
import { DefaultChatTransport } from 'ai';
import { type FormEvent, type KeyboardEvent, useEffect, useState } from 'react';
import { type ChatError, parseChatError } from '../lib/chat-error';
import type { ChatMessage } from '../lib/chat-message';
import { useStickToBottom } from '../lib/use-stick-to-bottom';
import { ErrorBanner } from './error-banner';
import { MessageView } from './message-view';

const transport = new DefaultChatTransport<ChatMessage>({ api: '/api/chat' });

const SUGGESTIONS = ['What is 12.5 times 8?', 'Explain exponential backoff in two sentences.'];

/** Props the server page passes in: the model list from `listModels()` and how the server is configured. */
export interface ChatProps {
  models: string[];
  initialModel: string;
  /** Why the model list fell back to the default model. */
  modelsError?: ChatError;
  /** The server talks to the local emulator rather than Alaya. */
  usesEmulator: boolean;
}

/**
 * The chat page: model picker, message list (with the error banner right after a failed message), and
 * composer with a stop button.
 */
export function Chat({ models, initialModel, modelsError, usesEmulator }: ChatProps) {
  const [model, setModel] = useState(initialModel);
  const [input, setInput] = useState('');
  const [stoppedIds, setStoppedIds] = useState<ReadonlySet<string>>(new Set());
  const [hydrated, setHydrated] = useState(false);
  const { messages, sendMessage, regenerate, stop, status, error, clearError } =
    useChat<ChatMessage>({ transport });
  const busy = status === 'submitted' || status === 'streaming';

  // `data-hydrated` tells automation (the e2e test) that the page is interactive.
  useEffect(() => setHydrated(true), []);

  // The latest message stays in view while it streams, and when the error banner appears after it.
  const pane = useStickToBottom<HTMLElement>([messages, status, error]);

  const send = (text: string) => {
    if (!text.trim() || busy) return;
    setInput('');
    pane.stick();
    void sendMessage({ text }, { body: { model } });
  };

  const onSubmit = (event: FormEvent) => {
    event.preventDefault();
    send(input);
  };

  const onKeyDown = (event: KeyboardEvent<HTMLTextAreaElement>) => {
    if (event.key === 'Enter' && !event.shiftKey && !event.nativeEvent.isComposing) {
      event.preventDefault();
      send(input);
    }
  };

  const onStop = () => {
    const last = messages.at(-1);
    if (last?.role === 'assistant') setStoppedIds(ids => new Set(ids).add(last.id));
    void stop();
  };

  return (
    <div className="app" data-testid="chat" data-status={status} data-hydrated={hydrated}>
      <header className="topbar">
        <h1>Alaya chat</h1>
        {usesEmulator && (
          <span className="badge" title="ALAYA_BASE_URL points at the local emulator">
            local emulator
          </span>
        )}
        <label className="model-picker">
          <span className="model-label">Model</span>
          <select
            value={model}
            onChange={event => setModel(event.target.value)}
            data-testid="model-select"
          >
            {models.map(id => (
              <option key={id} value={id}>
                {id}
              </option>
            ))}
          </select>
        </label>
      </header>

      {/* Said once: when a message fails, the banner after it tells what went wrong, and this hides. */}
      {modelsError && !error && (
        <p className="notice" data-testid="models-error">
          {modelsError.message}
        </p>
      )}

      <main className="messages" data-testid="messages" ref={pane.ref} onScroll={pane.onScroll}>
        {messages.length === 0 ? (
          <div className="empty">
            <p>Ask anything. Arithmetic goes through a server-side calculator tool.</p>
            <div className="suggestions">
              {SUGGESTIONS.map(text => (
                <button key={text} type="button" className="secondary" onClick={() => send(text)}>
                  {text}
                </button>
              ))}
            </div>
          </div>
        ) : (
          messages.map(message => (
            <MessageView key={message.id} message={message} stopped={stoppedIds.has(message.id)} />
          ))
        )}
        {status === 'submitted' && (
          <p className="pending" data-testid="pending">
            Waiting for {model}…
          </p>
        )}
        {/* Right after the message that failed, so it reads as belonging to it on any screen height. */}
        {error && (
          <ErrorBanner
            error={parseChatError(error.message)}
            onRetry={() => {
              pane.stick();
              void regenerate({ body: { model } });
            }}
            onDismiss={clearError}
          />
        )}
      </main>

      <form className="composer" onSubmit={onSubmit}>
        <textarea
          value={input}
          onChange={event => setInput(event.target.value)}
          onKeyDown={onKeyDown}
          placeholder="Message Alaya (Enter to send, Shift+Enter for a new line)"
          rows={2}
          aria-label="Message"
          data-testid="chat-input"
        />
        {busy ? (
          <button type="button" className="stop" onClick={onStop} data-testid="stop">
            Stop
          </button>
        ) : (
          <button type="submit" disabled={!input.trim()} data-testid="send">
            Send
          </button>
        )}
      </form>
    </div>
  );
}

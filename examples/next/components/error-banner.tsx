import type { ChatError } from '../lib/chat-error';

/**
 * The friendly error the route sent, shown right after the failed message, with a way to retry; the
 * conversation stays as it was.
 */
export function ErrorBanner({
  error,
  onRetry,
  onDismiss,
}: {
  error: ChatError;
  onRetry: () => void;
  onDismiss: () => void;
}) {
  return (
    <div className="error-banner" role="alert" data-testid="chat-error" data-kind={error.kind}>
      <p data-testid="chat-error-message">{error.message}</p>
      <div className="error-actions">
        {error.link && (
          <a href={error.link.href} target="_blank" rel="noreferrer" data-testid="chat-error-link">
            {error.link.label}
          </a>
        )}
        <button type="button" onClick={onRetry} data-testid="retry">
          Retry
        </button>
        <button type="button" className="secondary" onClick={onDismiss}>
          Dismiss
        </button>
      </div>
    </div>
  );
}

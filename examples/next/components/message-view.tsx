import type { Operation } from '../lib/calculator';
import type { ChatMessage } from '../lib/chat-message';

const OPERATION_SYMBOLS: Record<Operation, string> = {
  add: '+',
  subtract: '−',
  multiply: '×',
  divide: '÷',
};

/** One message: text, reasoning (collapsed), calculator calls, and a footer for retries or a stop. */
export function MessageView({ message, stopped }: { message: ChatMessage; stopped: boolean }) {
  const retries = message.metadata?.retries ?? 0;
  return (
    <article className={`message message-${message.role}`} data-testid={`message-${message.role}`}>
      {message.parts.map((part, index) => {
        // Parts only ever get appended to a message, so their position is a stable key.
        const key = `${message.id}-${index}`;
        switch (part.type) {
          case 'text':
            return (
              <p key={key} className="text" data-testid="message-text">
                {part.text}
              </p>
            );
          case 'reasoning':
            return part.text ? (
              <details key={key} className="reasoning" data-testid="reasoning">
                <summary>{part.state === 'streaming' ? 'Thinking…' : 'Reasoning'}</summary>
                <p>{part.text}</p>
              </details>
            ) : null;
          case 'tool-calculator':
            return <CalculatorCall key={key} part={part} />;
          default:
            return null;
        }
      })}
      {(retries > 0 || stopped) && (
        <footer className="message-footer">
          {retries > 0 && (
            <span data-testid="message-retries">
              Recovered after {retries} {retries === 1 ? 'retry' : 'retries'}
            </span>
          )}
          {stopped && <span data-testid="message-stopped">Stopped</span>}
        </footer>
      )}
    </article>
  );
}

function CalculatorCall({
  part,
}: {
  part: Extract<ChatMessage['parts'][number], { type: 'tool-calculator' }>;
}) {
  const input = part.state === 'input-streaming' ? undefined : part.input;
  return (
    <div className="tool" data-testid="tool-calculator" data-state={part.state}>
      <span className="tool-name">calculator</span>
      <code data-testid="tool-input">
        {input ? `${input.a} ${OPERATION_SYMBOLS[input.operation]} ${input.b}` : '…'}
      </code>
      {part.state === 'output-available' && (
        <strong className="tool-output" data-testid="tool-output">
          = {part.output.result}
        </strong>
      )}
      {part.state === 'output-error' && (
        <span className="tool-error" data-testid="tool-error">
          {part.errorText}
        </span>
      )}
    </div>
  );
}

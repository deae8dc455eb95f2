import { formatCalculation } from '../lib/calculator';
import type { ChatMessage } from '../lib/chat-message';

type Part = ChatMessage['parts'][number];
type ReasoningPart = Extract<Part, { type: 'reasoning' }>;

/**
 * One message: text, reasoning, calculator calls, and a footer for retries or a stop. A message that took
 * several steps (a tool call, then the answer) has a reasoning part per step; they are shown as one
 * collapsed "Reasoning" section, where the first one was.
 */
export function MessageView({ message, stopped }: { message: ChatMessage; stopped: boolean }) {
  const retries = message.metadata?.retries ?? 0;
  const reasoning = message.parts.filter(
    (part): part is ReasoningPart => part.type === 'reasoning' && part.text.length > 0,
  );
  const firstReasoning = reasoning[0];
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
            return part === firstReasoning ? <Reasoning key={key} parts={reasoning} /> : null;
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

function Reasoning({ parts }: { parts: ReasoningPart[] }) {
  const thinking = parts.some(part => part.state === 'streaming');
  return (
    <details className="reasoning" data-testid="reasoning">
      <summary>{thinking ? 'Thinking…' : 'Reasoning'}</summary>
      {parts.map((part, index) => (
        // Reasoning parts are only appended, so the position is a stable key.
        // biome-ignore lint/suspicious/noArrayIndexKey: see above
        <p key={index}>{part.text}</p>
      ))}
    </details>
  );
}

function CalculatorCall({ part }: { part: Extract<Part, { type: 'tool-calculator' }> }) {
  const input = part.state === 'input-streaming' ? undefined : part.input;
  return (
    <div className="tool" data-testid="tool-calculator" data-state={part.state}>
      <span className="tool-name">calculator</span>
      <code data-testid="tool-input">{input ? formatCalculation(input) : '…'}</code>
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

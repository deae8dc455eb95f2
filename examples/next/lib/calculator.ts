import { tool } from 'ai';
import { z } from 'zod';

const OPERATIONS = {
  add: (a: number, b: number) => a + b,
  subtract: (a: number, b: number) => a - b,
  multiply: (a: number, b: number) => a * b,
  divide: (a: number, b: number) => a / b,
} as const;

/** The operations the calculator knows. */
export type Operation = keyof typeof OPERATIONS;

const SYMBOLS: Record<Operation, string> = {
  add: '+',
  subtract: '−',
  multiply: '×',
  divide: '÷',
};

/** Input of the calculator tool. */
export interface CalculatorInput {
  a: number;
  operation: Operation;
  b: number;
}

/**
 * Runs one arithmetic operation. Division by zero and results that are not finite are reported as errors,
 * so the model sees a clear tool error instead of `Infinity`.
 */
export function calculate({ a, operation, b }: CalculatorInput): number {
  if (operation === 'divide' && b === 0) throw new Error('Division by zero.');
  const result = OPERATIONS[operation](a, b);
  if (!Number.isFinite(result)) throw new Error('The result is too large.');
  // Twelve significant digits hide binary rounding noise such as 0.1 + 0.2 = 0.30000000000000004.
  return Number(result.toPrecision(12));
}

/** The calculation as a person writes it: `12.5 × 8`, or `12.5 × 8 = 100` with its result. */
export function formatCalculation({ a, operation, b }: CalculatorInput, result?: number): string {
  const expression = `${a} ${SYMBOLS[operation]} ${b}`;
  return result === undefined ? expression : `${expression} = ${result}`;
}

/**
 * A server-side tool: the model asks, the route executes, the page renders the call and its result.
 * The model gets the result as a sentence (`12.5 × 8 = 100`), not as JSON, so an answer that quotes it
 * reads well.
 */
export const calculator = tool({
  description:
    'Calculator: adds, subtracts, multiplies or divides two numbers exactly, e.g. "What is 12.5 times 8?" ' +
    'is a = 12.5, operation = multiply, b = 8. Use it for every calculation instead of computing yourself.',
  inputSchema: z.object({
    a: z.number().describe('The first number'),
    operation: z
      .enum(['add', 'subtract', 'multiply', 'divide'])
      .describe('plus: add, minus: subtract, times: multiply, divided by: divide'),
    b: z.number().describe('The second number'),
  }),
  execute: async input => ({ result: calculate(input) }),
  toModelOutput: ({ input, output }) => ({
    type: 'text',
    value: formatCalculation(input, output.result),
  }),
});

/** Every tool the chat route offers. */
export const tools = { calculator };

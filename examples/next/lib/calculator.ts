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

/** A server-side tool: the model asks, the route executes, the page renders the call and its result. */
export const calculator = tool({
  description:
    'Exact arithmetic on two numbers. Use it for every calculation instead of computing yourself.',
  inputSchema: z.object({
    a: z.number().describe('The first operand'),
    operation: z.enum(['add', 'subtract', 'multiply', 'divide']),
    b: z.number().describe('The second operand'),
  }),
  execute: async input => ({ result: calculate(input) }),
});

/** Every tool the chat route offers. */
export const tools = { calculator };

/** The four operations a calculator tool usually knows. */
export type Operation = 'add' | 'subtract' | 'multiply' | 'divide';

/** A simple arithmetic question found in a prompt: `a <operator> b`. */
export interface Arithmetic {
  a: number;
  b: number;
  operation: Operation;
  /** The operator as the prompt wrote it, e.g. `times`. */
  said: string;
  /** The exact result (rounded to 12 significant digits), undefined for a division by zero. */
  result: number | undefined;
}

const OPERATORS: ReadonlyArray<[RegExp, Operation]> = [
  [/^(plus|\+|added to)$/i, 'add'],
  [/^(minus|-|−|less)$/i, 'subtract'],
  [/^(times|multiplied by|x|×|\*)$/i, 'multiply'],
  [/^(divided by|over|÷|\/)$/i, 'divide'],
];

/** Words or symbols each operation may be called in a tool's enum. */
const OPERATION_NAMES: Record<Operation, RegExp> = {
  add: /^(add|addition|plus|sum|\+)$/i,
  subtract: /^(subtract|subtraction|minus|sub|difference|-)$/i,
  multiply: /^(multiply|multiplication|times|mul|product|\*|×)$/i,
  divide: /^(divide|division|div|quotient|\/|÷)$/i,
};

const SYMBOLS: Record<Operation, string> = { add: '+', subtract: '-', multiply: '*', divide: '/' };

const PATTERN =
  /(-?\d+(?:\.\d+)?)\s*(plus|added to|minus|less|times|multiplied by|divided by|over|[x×*÷/+\-−])\s*(-?\d+(?:\.\d+)?)/i;

/** Finds `a <operator> b` (`12.5 times 8`, `7 / 2`, `3 plus 4`) in `text`. */
export function parseArithmetic(text: string): Arithmetic | undefined {
  const match = PATTERN.exec(text);
  if (!match) return undefined;
  const [, left, said, right] = match as unknown as [string, string, string, string];
  const operation = OPERATORS.find(([pattern]) => pattern.test(said.trim()))?.[1];
  if (!operation) return undefined;
  const a = Number(left);
  const b = Number(right);
  const raw =
    operation === 'add'
      ? a + b
      : operation === 'subtract'
        ? a - b
        : operation === 'multiply'
          ? a * b
          : b === 0
            ? undefined
            : a / b;
  const result =
    raw === undefined || !Number.isFinite(raw) ? undefined : Number(raw.toPrecision(12));
  return { a, b, operation, said: said.trim(), result };
}

/** `12.5 * 8`: the question as an expression string. */
export function expressionOf(arithmetic: Arithmetic): string {
  return `${arithmetic.a} ${SYMBOLS[arithmetic.operation]} ${arithmetic.b}`;
}

/** True when a tool plainly is a calculator, by its name or description. */
export function isCalculatorTool(tool: { name: string; description?: string }): boolean {
  return /calculat|arithmetic|\bmath/i.test(
    `${tool.name.replace(/[_-]/g, ' ')} ${tool.description ?? ''}`,
  );
}

/** Fills a calculator tool's arguments from the question: the operation enum and expression strings. */
export function calculatorArguments(
  schema: Record<string, unknown>,
  args: unknown,
  arithmetic: Arithmetic,
): unknown {
  if (typeof args !== 'object' || args === null || Array.isArray(args)) return args;
  const properties = (schema.properties ?? {}) as Record<string, Record<string, unknown>>;
  const out = { ...(args as Record<string, unknown>) };
  for (const [name, property] of Object.entries(properties)) {
    if (typeof property !== 'object' || property === null) continue;
    if (Array.isArray(property.enum)) {
      const named = property.enum.find(
        value => typeof value === 'string' && OPERATION_NAMES[arithmetic.operation].test(value),
      );
      if (named !== undefined) out[name] = named;
    } else if (property.type === 'string' && /expr|formula|input|query|calculation/i.test(name)) {
      out[name] = expressionOf(arithmetic);
    }
  }
  return out;
}

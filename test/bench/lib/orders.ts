/** The six orders of three contenders: round `r` uses `ORDERS[r % 6]`, so each takes every position equally often. */
export const ORDERS = [
  [0, 1, 2],
  [1, 2, 0],
  [2, 0, 1],
  [0, 2, 1],
  [2, 1, 0],
  [1, 0, 2],
] as const;

/**
 * The order of one round of three contenders run twice each: `x y z z y x` with (x, y, z) from
 * {@link ORDERS}. The mirrored second half cancels a linear drift within the round, and the rotation
 * across rounds gives every contender every position (right after the forced GC, last) equally often.
 */
export function mirroredOrder(round: number): number[] {
  const order = ORDERS[round % ORDERS.length]!;
  return [...order, ...[...order].reverse()];
}

/** Sums the squares of the even numbers in a list. */
export function sumEvenSquares(values: number[]): number {
  let total = 0;
  for (const value of values) {
    if (value % 2 === 0) {
      total += value * value;
    }
  }
  return total;
}

console.log(sumEvenSquares([1, 2, 3, 4]));

/** Code-unit order, the same in every locale: how the export sorts names (its readers and its renderer alike). */
export function compareText(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

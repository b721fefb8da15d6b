/**
 * Items grouped by a key, in first-seen order (Map.groupBy arrives only with Node 21). Pushed, not
 * copied: an imported account brings hundreds of flags, an imported order hundreds of lines.
 */
export function groupBy<T>(items: Iterable<T>, key: (item: T) => string): Map<string, T[]> {
  const map = new Map<string, T[]>();
  for (const item of items) {
    const k = key(item);
    const group = map.get(k);
    if (group) group.push(item);
    else map.set(k, [item]);
  }
  return map;
}

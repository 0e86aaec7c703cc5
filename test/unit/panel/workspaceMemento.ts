/** The workspace state RestoreStore keeps its records in (a `vscode.Memento`), for the tests. */
import type { RestoreStore } from '../../../src/panel/restoreStore';

export type Memento = ConstructorParameters<typeof RestoreStore>[0];

/** Workspace state as VS Code keeps it: JSON values that survive a reload (so, cloned). */
export function memento(): Memento {
  const values = new Map<string, string>();
  return {
    keys: () => [...values.keys()],
    get: <T>(key: string, fallback?: T) =>
      values.has(key) ? JSON.parse(values.get(key) as string) : fallback,
    update: async (key: string, value: unknown) => {
      if (value === undefined) values.delete(key);
      else values.set(key, JSON.stringify(value));
    },
  } as Memento;
}

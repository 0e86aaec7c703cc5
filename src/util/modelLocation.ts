/**
 * Where the model lives: the `attentionInspector.model` setting resolved to an absolute
 * folder. Empty means the model bundled with the extension. Pure, for plain-Node tests.
 */
import * as os from 'node:os';
import * as path from 'node:path';

/** The bundled default model, relative to the extension's folder. */
export const BUNDLED_MODEL = path.join('models', 'mini-code-gpt');

/**
 * Resolves `setting` to an absolute folder. `~` is the home folder, `${workspaceFolder}` and
 * relative paths are taken from the first workspace folder (else the extension's folder).
 */
export function resolveModelDir(
  setting: string,
  extensionPath: string,
  workspaceFolder: string | undefined,
): string {
  const value = setting.trim();
  if (value === '') return path.join(extensionPath, BUNDLED_MODEL);
  const base = workspaceFolder ?? extensionPath;
  let expanded = value.replace(/\$\{workspaceFolder\}/g, base);
  if (expanded === '~' || expanded.startsWith('~/') || expanded.startsWith('~\\')) {
    expanded = path.join(os.homedir(), expanded.slice(1));
  }
  return path.resolve(base, expanded);
}

/** A short name for the status bar before a model has run: the folder's name. */
export function modelLabel(modelDir: string): string {
  return path.basename(modelDir) || modelDir;
}

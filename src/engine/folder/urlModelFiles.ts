import { maxBytesOf, tooLarge } from './fileLimits';
import type { ModelFiles } from './modelFiles';
import { modelError } from '../modelError';

/**
 * A model folder served over HTTP(S) or as webview resource URIs (VS Code for the Web).
 * 404 reads as a missing file; other failures throw. A server cannot list a folder, so
 * `list` asks for each candidate name with HEAD requests.
 */
export function urlModelFiles(baseUrl: string, fetchFn: typeof fetch = fetch): ModelFiles {
  const label = baseUrl.replace(/\/+$/, '');
  return {
    label,
    async read(name) {
      let response: Response;
      try {
        response = await fetchFn(`${label}/${name.split('/').map(encodeURIComponent).join('/')}`);
      } catch (error) {
        throw modelError(
          'unreadableFile',
          label,
          name,
          `cannot be fetched (${error})`,
          'Check the address and that the server is reachable.',
        );
      }
      if (!response.ok) await response.body?.cancel(); // frees the connection for the next read
      if (response.status === 404) return undefined;
      if (!response.ok) {
        throw modelError(
          'unreadableFile',
          label,
          name,
          `cannot be fetched (HTTP ${response.status})`,
          'Check the address and that the server allows the request.',
        );
      }
      // Refused before the body is read when the server says how big it is.
      const declared = Number(response.headers.get('content-length') ?? 0);
      if (declared > maxBytesOf(name)) {
        await response.body?.cancel();
        throw tooLarge(label, name, declared);
      }
      const bytes = new Uint8Array(await response.arrayBuffer());
      if (bytes.length > maxBytesOf(name)) throw tooLarge(label, name, bytes.length);
      return bytes;
    },
    async list(candidates) {
      const found = await Promise.all(
        candidates.map(async (name) => {
          const url = `${label}/${name.split('/').map(encodeURIComponent).join('/')}`;
          const response = await fetchFn(url, { method: 'HEAD' }).catch(() => undefined);
          return response?.ok ? name : undefined;
        }),
      );
      return found.filter((name): name is string => name !== undefined);
    },
  };
}

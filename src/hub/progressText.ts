/**
 * The words of the download progress bar and messages. Pure, for plain-Node tests.
 */
import type { DownloadProgress } from './downloadModel';

/** `1.5 GB`, `12.3 MB`, `4 KB`, `17 bytes` (powers of 1024, as the Hub's own pages show sizes). */
export function formatBytes(bytes: number): string {
  if (bytes >= 1 << 30) return `${(bytes / (1 << 30)).toFixed(2)} GB`;
  if (bytes >= 1 << 20) return `${(bytes / (1 << 20)).toFixed(1)} MB`;
  if (bytes >= 1 << 10) return `${Math.ceil(bytes / (1 << 10))} KB`;
  return `${bytes} bytes`;
}

/** The message under the progress bar: what is being fetched and how far along it is. */
export function progressMessage(p: DownloadProgress): string {
  if (p.totalBytes === 0) return 'Reading the list of files…';
  return `${formatBytes(p.doneBytes)} of ${formatBytes(p.totalBytes)}${p.file ? ` · ${p.file}` : ''}`;
}

/** Whole percent done, 0–100. */
export function percentDone(p: DownloadProgress): number {
  return p.totalBytes === 0 ? 0 : Math.floor((100 * p.doneBytes) / p.totalBytes);
}

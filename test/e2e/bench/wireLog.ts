/**
 * What the browser received on the workbench's WebSocket, frame by frame, with wall-clock
 * times: it splits the first-view's "to webview" stage into the trip to the browser (the
 * extension host, code-server's server process — which deflates every frame — and the
 * socket) and the trip from the workbench into the webview's iframe.
 */
import type { Page } from 'playwright-core';
import { wallClockMs } from '../../../src/protocol/webview';

interface Frame {
  at: number;
  bytes: number;
  /** The frame holds the start of a `didStartResult` notification. */
  startsResult: boolean;
  /** Its first printable characters, to tell what a large frame carries. */
  head: string;
}

// No quotes: the webview message travels as a JSON string inside VS Code's JSON-encoded RPC,
// so its own quotes arrive escaped.
const MARK = Buffer.from('didStartResult');

export class WireLog {
  private readonly frames: Frame[] = [];

  /** Starts recording `page`'s WebSockets; call before the page navigates. */
  watch(page: Page): void {
    page.on('websocket', (socket) =>
      socket.on('framereceived', ({ payload }) => {
        const data = typeof payload === 'string' ? Buffer.from(payload) : payload;
        this.frames.push({
          at: wallClockMs(),
          bytes: data.length,
          startsResult: data.includes(MARK),
          head: data
            .subarray(0, 400)
            .toString('latin1')
            .replace(/[^ -~]+/g, '·')
            .slice(0, 160),
        });
      }),
    );
  }

  /**
   * When the first frame after `postedAt` that starts a result arrived, and how many bytes
   * the browser received between `postedAt` and `until`.
   */
  between(postedAt: number, until: number): { metaFrameAt?: number; megabytes: number } {
    const window = this.frames.filter((f) => f.at >= postedAt && f.at <= until);
    const meta = window.find((f) => f.startsResult);
    const bytes = window.reduce((sum, f) => sum + f.bytes, 0);
    return { metaFrameAt: meta?.at, megabytes: bytes / 1e6 };
  }

  /** Frames of at least `minBytes` between the two times, for the log: when, how big, what. */
  largeFrames(postedAt: number, until: number, minBytes = 100_000): string[] {
    return this.frames
      .filter((f) => f.at >= postedAt && f.at <= until && f.bytes >= minBytes)
      .map((f) => `+${(f.at - postedAt).toFixed(0)} ms ${(f.bytes / 1e6).toFixed(2)} MB ${f.head}`);
  }
}

/** What the host does for each request of a panel's webview. */
import { WALKTHROUGH_KEYS } from '../util/walkthroughKeys';
import { markWalkthroughStep } from './walkthroughSteps';
import type { EditorMirror } from '../editor/editorMirror';
import type { TargetRequest } from '../engine/types';
import type { FocusMessage, WebviewToHost } from '../protocol/webview';
import type { ForkMessage, ShowBranchMessage } from '../protocol/continuationBranches';
import { copyText, saveImage } from '../export/exportFiles';
import type { ResultExporter } from '../export/resultExporter';
import { exportHeld, type SliceSource } from './exportHeld';
import type { ShownHeld } from './shownResult';
import type { Logger } from '../util/logger';
import { drawnLine } from './runLog';

/** The panel a request came from, and the parts that answer it. */
export interface RequestContext {
  /** The panel's document key (its URI string). */
  key: string;
  /** The result the panel shows, if any. */
  shown: ShownHeld | undefined;
  mirror: EditorMirror;
  exporter: ResultExporter;
  /** Runs the panel's inspection again, with another target when one is given. */
  rerun: (target?: TargetRequest) => Promise<void>;
  /** Where the export reads the held result's attention (the runner). */
  engine: SliceSource;
  log: Logger;
  /** A continuation's forks and branches, and the focus its ghost text follows (issue 23). */
  continuation: (message: ForkMessage | ShowBranchMessage | FocusMessage) => Promise<void>;
}

/** Answers one webview notification; `ready` is the panel's own, calls are `webviewQueries`. */
export async function handleWebviewRequest(
  message: WebviewToHost,
  context: RequestContext,
): Promise<void> {
  const { key, shown, mirror } = context;
  switch (message.type) {
    case 'focusToken':
      mirror.showFocus(key, message);
      if (message.index !== null) markWalkthroughStep(WALKTHROUGH_KEYS.tokenFocused);
      await context.continuation(message);
      return;
    case 'fork':
    case 'showBranch':
      await context.continuation(message);
      return;
    case 'revealToken':
      await mirror.reveal(key, message.runId, message.index);
      return;
    case 'exportJson':
      // A request about an older run than the one on show is dropped.
      if (shown && shown.runId === message.runId) {
        const choice = { layers: message.layers, heads: message.heads };
        await exportHeld(shown, choice, context.exporter, context.engine);
      }
      return;
    case 'saveImage':
      await saveImage(shown?.source, message.format, message.data, message.suggestedName);
      return;
    case 'copyText':
      await copyText(message.text, message.what);
      return;
    case 'rerun':
      await context.rerun();
      return;
    case 'retarget':
      // Only the result on show can be re-run with another target.
      if (shown && shown.runId === message.runId) await context.rerun(message.target);
      return;
    case 'didDraw': {
      const label = shown?.runId === message.record.runId ? shown.label : context.key;
      context.log.info(drawnLine(label, message.record));
      return;
    }
    case 'ready':
      return;
  }
}

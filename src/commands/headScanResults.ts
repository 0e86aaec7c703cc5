/**
 * The results of Find Heads… (issue 25) as quick picks: heads ranked with mean ± spread,
 * positions counted and a strip of per-file means; a head's best examples; an example opens
 * its file, selects the window it was scored in, inspects it and puts the cursor on the query
 * token (which the panel then focuses). Buttons export the ranking as JSON or CSV.
 */
import * as vscode from 'vscode';
import { headScanCsv, headScanJson } from '../engine/heads/headScanJson';
import type { HeadExample, HeadRank } from '../engine/heads/headScanTypes';
import type { HeadScanAnswer } from '../inspection/headScanRun';

export interface ResultActions {
  /** Inspects `range` of `document` into its panel. */
  inspect(document: vscode.TextDocument, range: vscode.Range): Promise<unknown>;
}

const STRIP = '▁▂▃▄▅▆▇█';
/** Per-file means as a strip of bars (at most 24 files), scaled to the head's best file. */
export function fileStrip(perFile: readonly (number | null)[]): string {
  const shown = perFile.slice(0, 24);
  const top = Math.max(1e-9, ...shown.map((x) => x ?? 0));
  return shown
    .map((x) => (x === null ? '·' : STRIP[Math.min(7, Math.floor((x / top) * 7.999))]))
    .join('');
}

const exportJson = { iconPath: new vscode.ThemeIcon('json'), tooltip: 'Export JSON…' };
const exportCsv = { iconPath: new vscode.ThemeIcon('table'), tooltip: 'Export CSV…' };

export async function showHeadScanResults(
  answer: HeadScanAnswer,
  actions: ResultActions,
): Promise<void> {
  const { result } = answer;
  const pick = vscode.window.createQuickPick<vscode.QuickPickItem & { rank: HeadRank }>();
  pick.title = `${result.pattern} heads: ${result.files.length} files, ${result.tokens.toLocaleString('en-US')} tokens`;
  pick.placeholder = result.definition;
  pick.buttons = [exportJson, exportCsv];
  pick.items = result.heads.map((rank) => ({
    rank,
    label: `L${rank.layer} H${rank.head}`,
    description: `${rank.score?.toFixed(3) ?? '—'} ± ${rank.spread.toFixed(3)} · ${rank.count.toLocaleString('en-US')} positions`,
    detail: fileStrip(rank.perFile),
  }));
  pick.onDidTriggerButton(async (button) => {
    const csv = button === exportCsv;
    const uri = await vscode.window.showSaveDialog({
      filters: csv ? { CSV: ['csv'] } : { JSON: ['json'] },
      defaultUri: vscode.Uri.file(`${result.pattern}-heads.${csv ? 'csv' : 'json'}`),
    });
    if (!uri) return;
    const text = csv ? headScanCsv(result) : headScanJson(result, answer.skipped, 8);
    await vscode.workspace.fs.writeFile(uri, new TextEncoder().encode(text));
  });
  const chosen = await new Promise<HeadRank | undefined>((resolve) => {
    pick.onDidAccept(() => resolve(pick.selectedItems[0]?.rank));
    pick.onDidHide(() => resolve(undefined));
    pick.show();
  });
  pick.dispose();
  if (!chosen) return;
  const examples = result.examples.filter(
    (e) => e.layer === chosen.layer && e.head === chosen.head,
  );
  const example = await vscode.window.showQuickPick(
    examples.map((e) => ({
      example: e,
      label: `${e.file}:${e.line}`,
      description: `${JSON.stringify(e.query)} → ${JSON.stringify(e.key)}  ${e.score.toFixed(3)}`,
    })),
    { title: `L${chosen.layer} H${chosen.head}: best examples` },
  );
  if (example) await openExample(example.example, actions);
}

async function openExample(example: HeadExample, actions: ResultActions): Promise<void> {
  const folder = vscode.workspace.workspaceFolders?.[0];
  if (!folder) return;
  const uri = vscode.Uri.joinPath(folder.uri, example.file);
  const document = await vscode.workspace.openTextDocument(uri);
  const editor = await vscode.window.showTextDocument(document);
  const window = new vscode.Range(
    document.positionAt(example.windowStart),
    document.positionAt(example.windowEnd),
  );
  editor.selection = new vscode.Selection(window.start, window.end);
  await actions.inspect(document, window);
  const query = document.positionAt(example.start);
  // The panel mirrors the cursor: it focuses the query token.
  editor.selection = new vscode.Selection(query, query);
  editor.revealRange(new vscode.Range(query, query), vscode.TextEditorRevealType.InCenter);
}

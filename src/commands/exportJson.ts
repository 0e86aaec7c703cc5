/** `attentionInspector.exportJson`: the current result to a JSON file. */
import * as vscode from 'vscode';
import { exportHeld } from '../inspection/exportHeld';
import type { Inspector } from '../inspection/inspector';
import type { ExportChoice, ResultExporter } from '../export/resultExporter';

/**
 * The command handler. Called from the palette it asks where to save; called with an
 * `ExportChoice` (other extensions, tests) it can pick layers/heads and the target file.
 * Resolves with the file written, or undefined.
 */
export function exportJsonCommand(inspector: Inspector, exporter: ResultExporter) {
  return async (choice: ExportChoice = {}): Promise<vscode.Uri | undefined> => {
    const shown = inspector.currentResult();
    if (!shown) {
      const inspect = 'Inspect Selection';
      // Not awaited: the command resolves now; the button, if pressed, runs the inspection.
      void vscode.window
        .showInformationMessage(
          'Nothing to export yet: select some code and inspect its attention first.',
          inspect,
        )
        .then(
          (answer) =>
            answer === inspect &&
            vscode.commands.executeCommand('attentionInspector.inspectSelection'),
        );
      return undefined;
    }
    try {
      return await exportHeld(shown, choice, exporter, inspector.engine);
    } catch (error) {
      void vscode.window.showErrorMessage(
        `Could not export the attention: ${error instanceof Error ? error.message : String(error)}`,
      );
      return undefined;
    }
  };
}

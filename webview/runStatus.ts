/** What the status line says about runs: the one in progress (by label) and the last error. */
export class RunStatus {
  /** Label of a run the host started that has not produced a result yet. */
  running: string | null = null;
  error: string | null = null;
  private runningId: number | null = null;

  started(runId: number, label: string): void {
    this.running = label;
    this.runningId = runId;
    this.error = null;
  }

  resultArrived(): void {
    this.running = null;
    this.error = null;
  }

  /**
   * A run failed (`runId` undefined: the panel as a whole). False when the failure is about
   * a run that is neither shown nor running, so there is nothing to say.
   */
  failed(runId: number | undefined, shownRunId: number | null, message: string): boolean {
    if (runId !== undefined && runId !== shownRunId && runId !== this.runningId) return false;
    this.running = null;
    this.error = message;
    return true;
  }

  /** An error of the webview's own, such as an image it could not make. */
  showError(message: string): void {
    this.error = message;
  }
}

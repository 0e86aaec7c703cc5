/** The panel's views, each made the first time it is shown and kept (with its scroll and zoom). */
import type { ViewKind } from '../../src/protocol/webview';
import { HeadView } from './headView';
import { MatrixView } from './matrixView';
import { ModelView } from './modelView';
import { StepsView } from './stepsView';
import { SummaryView } from './summaryView';
import type { View, ViewHost } from './view';

const VIEWS = {
  model: ModelView,
  matrix: MatrixView,
  head: HeadView,
  summary: SummaryView,
  steps: StepsView,
} satisfies Record<ViewKind, new (host: ViewHost) => View>;

export class ViewSet {
  private readonly made = new Map<ViewKind, View>();

  constructor(private readonly host: ViewHost) {}

  /** The view of `kind`, made now if it was never shown. */
  get(kind: ViewKind): View {
    let view = this.made.get(kind);
    if (!view) {
      view = new VIEWS[kind](this.host);
      this.made.set(kind, view);
    }
    return view;
  }

  /** The view of `kind` if it was ever shown. */
  peek(kind: ViewKind): View | undefined {
    return this.made.get(kind);
  }
}

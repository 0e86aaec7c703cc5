/** Which class draws each view kind: one home for the list, so adding a view touches only here. */
import type { ViewKind } from '../../src/protocol/webview';
import { HeadView } from './headView';
import { MatrixView } from './matrixView';
import { ModelView } from './modelView';
import { StepsView } from './stepsView';
import { SummaryView } from './summaryView';
import type { View, ViewHost } from './view';

export const VIEW_MAKERS: Record<ViewKind, new (host: ViewHost) => View> = {
  model: ModelView,
  matrix: MatrixView,
  head: HeadView,
  summary: SummaryView,
  steps: StepsView,
};

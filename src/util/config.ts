/**
 * The extension's settings (`contributes.configuration`, section `attentionInspector`), read
 * through one typed getter that clamps and defaults every value. It takes any object with a
 * `get` (a `vscode.WorkspaceConfiguration` in the extension), so it runs in plain Node tests.
 */
import { DEFAULT_TOKEN_BUDGET } from '../engine/heads/headScanTypes';
import { GRAPH_VARIANTS, type GraphVariant } from '../engine/folder/onnxGraphFiles';
import { MAX_TOKENS_PER_RUN } from '../engine/inference/planTokens';
import {
  COLOR_MAP_NAMES,
  type ColorMapName,
  DEFAULT_VIEW_SETTINGS,
  VIEW_KINDS,
  type ViewKind,
  type ViewSettings,
} from '../protocol/webview';
import { DEFAULT_RUN_TIMEOUT_SECONDS, RUN_TIMEOUT_RANGE } from '../worker/runDeadline';
import {
  type ContinuationConfig,
  DEFAULT_CONTINUATION_CONFIG,
  readContinuationConfig,
} from './continuationConfig';

/** The configuration section; every setting is `attentionInspector.<key>`. */
export const CONFIG_SECTION = 'attentionInspector';

/** Every setting, typed and validated. */
interface BaseConfig {
  /** Model folder as the user wrote it; empty means the bundled default model. */
  model: string;
  /** Graph variant of a Hugging Face folder with several; `auto`: fp32 first. */
  modelVariant: GraphVariant | 'auto';
  /** WASM threads for the engine worker; 0 lets the engine choose. */
  threads: number;
  /** The watchdog's base bound on each stage of a run, in seconds (src/worker/runDeadline.ts). */
  runTimeoutSeconds: number;
  /**
   * Longest input inspected, in tokens (special tokens included); 0 lets the engine choose
   * (the model's context bounded by memory: src/engine/inference/tokenBudget.ts).
   */
  maxTokens: number;
  colorMap: ColorMapName;
  /** Attended tokens highlighted in the editor and webview per focused token. */
  topK: number;
  defaultView: ViewKind;
  /** Where Download Model… puts files: the shared Hugging Face cache, or the extension's own storage. */
  downloadLocation: DownloadLocation;
  /** Text tokens Find Heads… scores at most (issue 25). */
  headScanBudget: number;
  /** Start the engine a few seconds after VS Code started (src/worker/enginePrewarm.ts). */
  prewarm: boolean;
}

/** Every setting, the continuation's included (continuationConfig.ts). */
export type Config = BaseConfig & ContinuationConfig;

export const DOWNLOAD_LOCATIONS = ['huggingFaceCache', 'extensionStorage'] as const;
export type DownloadLocation = (typeof DOWNLOAD_LOCATIONS)[number];

/** What `readConfig` needs of a configuration object. */
export interface ConfigSource {
  get<T>(key: string): T | undefined;
}

/** The defaults, identical to those in package.json. */
export const DEFAULT_CONFIG: Readonly<Config> = {
  model: '',
  modelVariant: 'auto',
  threads: 0,
  runTimeoutSeconds: DEFAULT_RUN_TIMEOUT_SECONDS,
  maxTokens: 0,
  ...DEFAULT_VIEW_SETTINGS,
  downloadLocation: 'huggingFaceCache',
  ...DEFAULT_CONTINUATION_CONFIG,
  headScanBudget: DEFAULT_TOKEN_BUDGET,
  prewarm: true,
};

/** Reads every setting; out-of-range or mistyped values fall back to safe ones. */
export function readConfig(source: ConfigSource): Config {
  return {
    model: text(source.get('model')).trim(),
    modelVariant: oneOf(
      source.get('modelVariant'),
      ['auto', ...GRAPH_VARIANTS] as const,
      DEFAULT_CONFIG.modelVariant,
    ),
    threads: integer(source.get('threads'), DEFAULT_CONFIG.threads, 0, 64),
    runTimeoutSeconds: integer(
      source.get('runTimeoutSeconds'),
      DEFAULT_CONFIG.runTimeoutSeconds,
      RUN_TIMEOUT_RANGE.min,
      RUN_TIMEOUT_RANGE.max,
    ),
    maxTokens: tokenLimit(source.get('maxTokens')),
    colorMap: oneOf(source.get('colorMap'), COLOR_MAP_NAMES, DEFAULT_CONFIG.colorMap),
    topK: integer(source.get('topK'), DEFAULT_CONFIG.topK, 1, 50),
    defaultView: oneOf(source.get('defaultView'), VIEW_KINDS, DEFAULT_CONFIG.defaultView),
    downloadLocation: oneOf(
      source.get('downloadLocation'),
      DOWNLOAD_LOCATIONS,
      DEFAULT_CONFIG.downloadLocation,
    ),
    ...readContinuationConfig(source),
    headScanBudget: integer(
      source.get('headScanBudget'),
      DEFAULT_CONFIG.headScanBudget,
      1,
      1_000_000_000,
    ),
    prewarm: source.get('prewarm') !== false,
  };
}

/** The part of the settings the webview renders with. */
export function viewSettings(config: Config): ViewSettings {
  return { colorMap: config.colorMap, topK: config.topK, defaultView: config.defaultView };
}

function text(value: unknown): string {
  return typeof value === 'string' ? value : '';
}

/** 0 (the engine chooses) or a limit from 2 up. */
function tokenLimit(value: unknown): number {
  const limit = integer(value, DEFAULT_CONFIG.maxTokens, 0, MAX_TOKENS_PER_RUN);
  return limit === 1 ? 2 : limit;
}

function integer(value: unknown, fallback: number, min: number, max: number): number {
  if (typeof value !== 'number' || !Number.isFinite(value)) return fallback;
  return Math.min(max, Math.max(min, Math.round(value)));
}

function oneOf<T extends string>(value: unknown, allowed: readonly T[], fallback: T): T {
  return allowed.includes(value as T) ? (value as T) : fallback;
}

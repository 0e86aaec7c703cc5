import { strict as assert } from 'node:assert';
import { readFileSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { GRAPH_VARIANTS } from '../../../src/engine/folder/onnxGraphFiles';
import { COLOR_MAP_NAMES, VIEW_KINDS } from '../../../src/protocol/webview';
import { DEFAULT_CONFIG, readConfig, viewSettings } from '../../../src/util/config';
import { BUNDLED_MODEL, modelLabel, resolveModelDir } from '../../../src/util/modelLocation';

const source = (values: Record<string, unknown>) => ({
  get: <T>(key: string) => values[key] as T | undefined,
});
const manifest = JSON.parse(readFileSync('package.json', 'utf8')) as {
  contributes: {
    configuration: {
      properties: Record<
        string,
        { default: unknown; markdownDescription?: string; enum?: string[] }
      >;
    };
  };
  activationEvents: string[];
};

describe('config', () => {
  it('has the defaults package.json contributes, each setting documented', () => {
    const properties = manifest.contributes.configuration.properties;
    assert.deepEqual(
      Object.keys(properties).sort(),
      Object.keys(DEFAULT_CONFIG)
        .map((k) => `attentionInspector.${k}`)
        .sort(),
    );
    for (const [key, value] of Object.entries(DEFAULT_CONFIG)) {
      const property = properties[`attentionInspector.${key}`];
      assert.deepEqual(property.default, value, key);
      assert.ok((property.markdownDescription ?? '').length > 30, `${key} is documented`);
    }
    assert.deepEqual(readConfig(source({})), DEFAULT_CONFIG);
  });

  it('offers exactly the colour maps and views the webview has', () => {
    const properties = manifest.contributes.configuration.properties;
    assert.deepEqual(properties['attentionInspector.colorMap'].enum, [...COLOR_MAP_NAMES]);
    assert.deepEqual(properties['attentionInspector.defaultView'].enum, [...VIEW_KINDS]);
  });

  it('offers exactly the graph variants the engine knows, and reads them', () => {
    const property =
      manifest.contributes.configuration.properties['attentionInspector.modelVariant'];
    assert.deepEqual(property.enum, ['auto', ...GRAPH_VARIANTS]);
    assert.equal(readConfig(source({ modelVariant: 'q4' })).modelVariant, 'q4');
    assert.equal(readConfig(source({ modelVariant: 'int3' })).modelVariant, 'auto');
  });

  it('activates on its commands, its restored panel, and after start-up (the prewarm) only', () => {
    assert.deepEqual(manifest.activationEvents, [
      'onWebviewPanel:attentionInspector.heatmap',
      'onStartupFinished',
    ]);
  });

  it('clamps numbers and rejects unknown names', () => {
    const config = readConfig(
      source({
        threads: -3,
        maxTokens: 1e9,
        topK: 2.6,
        colorMap: 'jet',
        defaultView: 'head',
        model: '  ~/m ',
      }),
    );
    assert.equal(config.threads, 0);
    assert.equal(config.maxTokens, 8192);
    assert.equal(config.topK, 3);
    assert.equal(config.colorMap, 'viridis');
    assert.equal(config.defaultView, 'head');
    assert.equal(config.model, '~/m');
    assert.equal(readConfig(source({ maxTokens: 'many' })).maxTokens, 0);
    assert.equal(readConfig(source({ maxTokens: 1 })).maxTokens, 2);
    assert.deepEqual(viewSettings(config), { colorMap: 'viridis', topK: 3, defaultView: 'head' });
  });

  it('resolves the model folder setting', () => {
    const ext = path.resolve('/ext');
    const ws = path.resolve('/ws');
    assert.equal(resolveModelDir('', ext, ws), path.join(ext, BUNDLED_MODEL));
    assert.equal(resolveModelDir('models/x', ext, ws), path.join(ws, 'models/x'));
    assert.equal(resolveModelDir('models/x', ext, undefined), path.join(ext, 'models/x'));
    // biome-ignore lint/suspicious/noTemplateCurlyInString: the setting's own `${workspaceFolder}` syntax, not a template
    assert.equal(resolveModelDir('${workspaceFolder}/m', ext, ws), path.join(ws, 'm'));
    assert.equal(resolveModelDir('~/m', ext, ws), path.join(os.homedir(), 'm'));
    assert.equal(resolveModelDir('/abs/m', ext, ws), path.resolve('/abs/m'));
    assert.equal(modelLabel(path.join(ext, BUNDLED_MODEL)), 'mini-code-gpt');
  });
});

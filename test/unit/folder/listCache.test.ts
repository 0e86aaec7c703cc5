/** `withListCache`: a folder is asked about each name once per load, whatever the order. */
import assert from 'node:assert/strict';
import { memoryModelFiles, withListCache } from '../../../src/engine/folder/modelFiles';

describe('withListCache', () => {
  it('answers repeated and overlapping lists from what it found, asking only about new names', async () => {
    const inner = memoryModelFiles('/m', {
      'config.json': new Uint8Array(1),
      'onnx/encoder_model.onnx': new Uint8Array(1),
    });
    const asked: string[][] = [];
    const files = withListCache({
      ...inner,
      list: (names) => {
        asked.push([...names]);
        return inner.list(names);
      },
    });
    assert.deepEqual(await files.list(['config.json', 'model.onnx']), ['config.json']);
    assert.deepEqual(await files.list(['model.onnx', 'config.json', 'onnx/encoder_model.onnx']), [
      'config.json',
      'onnx/encoder_model.onnx',
    ]);
    assert.deepEqual(asked, [['config.json', 'model.onnx'], ['onnx/encoder_model.onnx']]);
    assert.equal((await files.read('config.json'))?.length, 1);
  });
});

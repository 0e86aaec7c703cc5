import * as assert from 'node:assert/strict';
import { folderName } from '../../../src/engine/folder/folderName';

describe('folderName', () => {
  it('names a Hugging Face cache snapshot by repository and commit, any other folder by its name', () => {
    const commit = '0123456789abcdef0123456789abcdef01234567';
    assert.equal(
      folderName(`/h/hub/models--Xenova--gpt2/snapshots/${commit}`),
      'Xenova/gpt2@0123456',
    );
    assert.equal(folderName(`C:\\hub\\models--gpt2\\snapshots\\${commit}\\`), 'gpt2@0123456');
    assert.equal(folderName('/models/gpt2-onnx'), 'gpt2-onnx');
    assert.equal(folderName(`/x/snapshots/${commit}`), commit);
    assert.equal(folderName('models--a--b'), 'models--a--b');
  });
});

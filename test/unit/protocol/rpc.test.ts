import assert from 'node:assert/strict';
import { MessageChannel } from 'node:worker_threads';
import { Rpc, RpcError, collectTransferables } from '../../../src/protocol/rpc';
import { nodePortEndpoint } from '../../../src/worker/nodePortEndpoint';

type Api = {
  [m: string]: (arg: never) => Promise<unknown>;
  double(arg: { weights: Float32Array }): Promise<Float32Array>;
  fail(arg: { code: string }): Promise<void>;
  never(arg: Record<string, never>): Promise<void>;
};

describe('Rpc over a real MessageChannel', () => {
  let channel: MessageChannel;
  let client: Rpc<Api, Record<string, never>>;
  let server: Rpc<Record<string, never>, Api>;

  beforeEach(() => {
    channel = new MessageChannel();
    server = new Rpc<Record<string, never>, Api>(
      nodePortEndpoint(channel.port2),
      {
        async double({ weights }) {
          return weights.map((w) => w * 2);
        },
        async fail({ code }) {
          throw Object.assign(new Error('it broke'), { code });
        },
        never: () => new Promise<void>(() => undefined),
      },
      { transfer: true },
    );
    client = new Rpc<Api, Record<string, never>>(
      nodePortEndpoint(channel.port1),
      {},
      { transfer: true },
    );
  });
  afterEach(() => {
    client.dispose();
    server.dispose();
    channel.port1.close();
    channel.port2.close();
  });

  it('moves a Float32Array both ways as a typed array (transferred, not copied)', async () => {
    const sent = new Float32Array([0.25, 0.5, 0.125]);
    const reply = await client.call('double', { weights: sent });
    assert.ok(reply instanceof Float32Array);
    assert.deepEqual([...reply], [0.5, 1, 0.25]);
    assert.equal(sent.byteLength, 0, 'the sender buffer is detached after transfer');
  });

  it('turns a handler error into a rejection that keeps its code', async () => {
    await assert.rejects(client.call('fail', { code: 'badInput' }), (error: unknown) => {
      assert.ok(error instanceof RpcError);
      assert.equal(error.code, 'badInput');
      assert.equal(error.message, 'it broke');
      return true;
    });
  });

  it('rejects an unknown method instead of hanging', async () => {
    await assert.rejects(
      client.call('nope' as 'never', {} as never),
      (error: unknown) => error instanceof RpcError && error.code === 'noMethod',
    );
  });

  it('times out a call that never answers', async () => {
    await assert.rejects(
      client.call('never', {}, 50),
      (error: unknown) => error instanceof RpcError && error.code === 'timeout',
    );
  });

  it('rejects pending calls when disposed', async () => {
    const pending = client.call('never', {});
    client.dispose();
    await assert.rejects(
      pending,
      (error: unknown) => error instanceof RpcError && error.code === 'closed',
    );
  });

  it('finds each typed-array buffer once, nested in results', () => {
    const a = new Float32Array(4);
    const b = new Float32Array(a.buffer, 8, 2);
    const found = collectTransferables({ layers: [a, b], meta: { c: new Uint8Array(3) } });
    assert.equal(found.length, 2);
  });
});

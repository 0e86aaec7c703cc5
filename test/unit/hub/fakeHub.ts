/**
 * A loopback stand-in for the Hugging Face Hub, in its URL layout and answers:
 * - `GET /api/models/{repo}/revision/{rev}?expand=…` → `{ _id, id }` and the fields `expand`
 *   names (`sha`, `private`, `gated`, `lastModified`, …), as the Hub answers `modelInfo`;
 * - `GET /api/models/{repo}/tree/{rev}?recursive=true&expand=false` (what `listFiles` asks) →
 *   `[{ type, oid, size, path, lfs? }]` (only the top level unless `recursive=true`),
 *   `pageSize` entries a page with an absolute `Link: <…&cursor=N>; rel="next"` header;
 * - `GET /{repo}/resolve/{rev}/{path}` → a relative 307 to `/api/resolve-cache/…` for files
 *   in git, an absolute 302 to a second server (the "CDN", another origin) for LFS files;
 * - errors with the Hub's `X-Error-Code` headers (`RepoNotFound` with 401, `GatedRepo`,
 *   `EntryNotFound`).
 * Both servers listen on 127.0.0.1 only. Faults are injected per file path: drop the
 * connection after N bytes, stall after N bytes, serve altered bytes, ignore `Range`.
 */
import { createHash } from 'node:crypto';
import * as http from 'node:http';
import type { AddressInfo } from 'node:net';

export interface FakeRepo {
  files: Record<string, Buffer>;
  /** Files that need `Authorization: Bearer <token>` (a gated model). */
  gatedToken?: string;
}

/** One request for file bytes, as the server saw it. */
export interface ByteRequest {
  path: string;
  range: string | undefined;
  authorization: string | undefined;
  status: number;
  bytesSent: number;
  acceptEncoding: string | undefined;
}

export interface Faults {
  /** Send this many bytes of the file, then destroy the socket (once per path). */
  dropAfter: Map<string, number>;
  /** Send this many bytes, then send nothing more while keeping the connection open. */
  stallAfter: Map<string, number>;
  /** Serve these bytes instead of the listed file's. */
  corrupt: Map<string, Buffer>;
  /** Answer 200 with the whole file even to a `Range` request. */
  ignoreRange: boolean;
  /** Start the file list's answer, then send nothing more while keeping the connection open. */
  stallListing: boolean;
}

export { closedPort, pseudoRandomBytes } from './hubTestBytes';

const COMMIT = 'c0ffee'.padEnd(40, '0');
const isLfs = (p: string) => /\.onnx(_data(_\d+)?|\.data)?$/.test(p);
const sha256 = (b: Buffer) => createHash('sha256').update(b).digest('hex');
const gitOid = (b: Buffer) =>
  createHash('sha1').update(`blob ${b.length}\0`).update(b).digest('hex');

export class FakeHub {
  readonly byteRequests: ByteRequest[] = [];
  /** `Authorization` headers the Hub origin received. */
  readonly hubAuthorizations: (string | undefined)[] = [];
  /** Every `/api/` request, path and query, in order. */
  readonly apiRequests: string[] = [];
  readonly faults: Faults = {
    dropAfter: new Map(),
    stallAfter: new Map(),
    corrupt: new Map(),
    ignoreRange: false,
    stallListing: false,
  };
  pageSize = 3;
  private readonly hub = http.createServer((q, s) => this.serveHub(q, s));
  private readonly cdn = http.createServer((q, s) => this.serveCdn(q, s));
  private readonly byOid = new Map<string, { repo: string; path: string }>();

  constructor(private readonly repos: Record<string, FakeRepo>) {
    for (const [repo, { files }] of Object.entries(repos))
      for (const [path, bytes] of Object.entries(files))
        if (isLfs(path)) this.byOid.set(sha256(bytes), { repo, path });
  }

  async start(): Promise<void> {
    for (const server of [this.hub, this.cdn])
      await new Promise<void>((ok) => server.listen(0, '127.0.0.1', ok));
  }

  get endpoint(): string {
    return `http://127.0.0.1:${(this.hub.address() as AddressInfo).port}`;
  }

  private get cdnOrigin(): string {
    return `http://127.0.0.1:${(this.cdn.address() as AddressInfo).port}`;
  }

  async close(): Promise<void> {
    for (const server of [this.hub, this.cdn]) {
      server.closeAllConnections();
      await new Promise((ok) => server.close(ok));
    }
  }

  private serveHub(req: http.IncomingMessage, res: http.ServerResponse): void {
    this.hubAuthorizations.push(req.headers.authorization);
    const url = new URL(req.url ?? '/', this.endpoint);
    const p = decodeURIComponent(url.pathname);
    if (p.startsWith('/api/models/')) this.apiRequests.push(`${p}${url.search}`);
    const revision = /^\/api\/models\/(.+)\/revision\/([^/]+)$/.exec(p);
    if (revision) {
      if (this.repos[revision[1]]) this.json(res, this.info(revision[1], url));
      else this.error(res, 401, 'RepoNotFound');
      return;
    }
    const tree = /^\/api\/models\/(.+)\/tree\/([^/]+)$/.exec(p);
    if (tree && this.faults.stallListing) {
      res.writeHead(200, { 'content-type': 'application/json' }).write('[');
      return;
    }
    if (tree) {
      this.tree(res, tree[1], url);
      return;
    }
    const cached = /^\/api\/resolve-cache\/models\/(.+)\/([0-9a-f]{40})\/(.+)$/.exec(p);
    if (cached) {
      this.bytes(req, res, cached[1], cached[3]);
      return;
    }
    const resolve = /^\/(.+?)\/resolve\/([^/]+)\/(.+)$/.exec(p);
    if (resolve) {
      this.redirect(req, res, resolve[1], resolve[2], resolve[3]);
      return;
    }
    this.error(res, 404, 'RepoNotFound');
  }

  /** `/{repo}/resolve/{rev}/{path}`: LFS files redirect to the CDN, others to resolve-cache. */
  private redirect(
    req: http.IncomingMessage,
    res: http.ServerResponse,
    repoId: string,
    rev: string,
    path: string,
  ): void {
    const repo = this.repos[repoId];
    const bytes = repo?.files[path];
    if (!repo) this.error(res, 401, 'RepoNotFound');
    else if (repo.gatedToken && req.headers.authorization !== `Bearer ${repo.gatedToken}`)
      this.error(res, 401, 'GatedRepo');
    else if (!bytes) this.error(res, 404, 'EntryNotFound');
    else {
      const location = isLfs(path)
        ? `${this.cdnOrigin}/repos/${sha256(bytes)}?download=true`
        : `/api/resolve-cache/models/${repoId}/${rev}/${path}`;
      res
        .writeHead(isLfs(path) ? 302 : 307, {
          location,
          'x-repo-commit': COMMIT,
          'x-linked-size': bytes.length,
        })
        .end();
    }
  }

  /** A model's info: with `expand`, the Hub answers only the fields named (and the ids). */
  private info(repoId: string, url: URL): Record<string, unknown> {
    const fields: Record<string, unknown> = {
      sha: COMMIT,
      private: false,
      gated: this.repos[repoId].gatedToken ? 'manual' : false,
      downloads: 0,
      likes: 0,
      lastModified: '2025-01-01T00:00:00.000Z',
      pipeline_tag: 'text-generation',
    };
    const expand = url.searchParams.getAll('expand');
    const chosen = expand.length > 0 ? expand : Object.keys(fields);
    return {
      _id: `id-${repoId}`,
      id: repoId,
      ...Object.fromEntries(chosen.filter((k) => k in fields).map((k) => [k, fields[k]])),
    };
  }

  private tree(res: http.ServerResponse, repoId: string, url: URL): void {
    const repo = this.repos[repoId];
    if (!repo) {
      this.error(res, 401, 'RepoNotFound');
      return;
    }
    const entries = Object.entries(repo.files).map(([path, b]) =>
      isLfs(path)
        ? {
            type: 'file',
            oid: gitOid(Buffer.from(`pointer ${path}`)),
            size: 134,
            path,
            lfs: { oid: sha256(b), size: b.length, pointerSize: 134 },
          }
        : { type: 'file', oid: gitOid(b), size: b.length, path },
    );
    const dirs = [
      ...new Set(
        Object.keys(repo.files)
          .filter((p) => p.includes('/'))
          .map((p) => p.split('/')[0]),
      ),
    ];
    const recursive = url.searchParams.get('recursive') === 'true';
    const all = [
      ...dirs.map((d) => ({ type: 'directory', oid: gitOid(Buffer.from(d)), size: 0, path: d })),
      ...entries,
    ].filter((e) => recursive || !e.path.includes('/'));
    const start = Number(url.searchParams.get('cursor') ?? 0);
    const page = all.slice(start, start + this.pageSize);
    const headers: Record<string, string> = {};
    if (start + this.pageSize < all.length)
      headers.link = `<${this.endpoint}${url.pathname}?recursive=${recursive}&expand=false&cursor=${start + this.pageSize}>; rel="next"`;
    this.json(res, page, headers);
  }

  private serveCdn(req: http.IncomingMessage, res: http.ServerResponse): void {
    const oid = /^\/repos\/([0-9a-f]{64})$/.exec(
      new URL(req.url ?? '/', this.cdnOrigin).pathname,
    )?.[1];
    const found = oid ? this.byOid.get(oid) : undefined;
    if (!found) return void res.writeHead(404).end();
    this.bytes(req, res, found.repo, found.path);
  }

  /** Serves a file's bytes with `Range` support and the configured faults. */
  private bytes(
    req: http.IncomingMessage,
    res: http.ServerResponse,
    repoId: string,
    path: string,
  ): void {
    const listed = this.repos[repoId]?.files[path];
    if (!listed) {
      this.error(res, 404, 'EntryNotFound');
      return;
    }
    const body = this.faults.corrupt.get(path) ?? listed;
    const range = req.headers.range;
    const start =
      range && !this.faults.ignoreRange ? Number(/^bytes=(\d+)-$/.exec(range)?.[1] ?? NaN) : 0;
    const record: ByteRequest = {
      path,
      range,
      authorization: req.headers.authorization,
      status: 200,
      bytesSent: 0,
      acceptEncoding: req.headers['accept-encoding'],
    };
    this.byteRequests.push(record);
    if (!(start >= 0 && start < body.length)) {
      record.status = 416;
      return void res.writeHead(416, { 'content-range': `bytes */${body.length}` }).end();
    }
    const slice = body.subarray(start);
    record.status = start > 0 ? 206 : 200;
    res.writeHead(record.status, {
      'content-length': slice.length,
      'accept-ranges': 'bytes',
      ...(start > 0 ? { 'content-range': `bytes ${start}-${body.length - 1}/${body.length}` } : {}),
    });
    const drop = this.faults.dropAfter.get(path);
    const stall = this.faults.stallAfter.get(path);
    if (drop !== undefined) this.faults.dropAfter.delete(path);
    const cut = drop ?? stall;
    if (cut === undefined || cut >= slice.length) {
      record.bytesSent = slice.length;
      return void res.end(slice);
    }
    record.bytesSent = cut;
    res.write(slice.subarray(0, cut), () => {
      if (drop !== undefined) res.socket?.destroy();
    });
  }

  private json(
    res: http.ServerResponse,
    body: unknown,
    headers: Record<string, string> = {},
  ): void {
    res
      .writeHead(200, { 'content-type': 'application/json', ...headers })
      .end(JSON.stringify(body));
  }

  private error(res: http.ServerResponse, status: number, code: string): void {
    res.writeHead(status, { 'x-error-code': code, 'x-error-message': `${code} (fake hub)` }).end();
  }
}

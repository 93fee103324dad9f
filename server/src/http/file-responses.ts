import { createReadStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { ServerError } from '../errors';

/** One stored representation of a resource, as sendFile serves it. */
export interface FileRepresentation {
  path: string;
  size: number;
  /** Strong, quoted: `"…"`. */
  etag: string;
  contentType: string;
  contentEncoding?: string;
  /**
   * ETags of other encodings of the same content that If-Range also accepts: a client resuming a
   * download it was sent compressed holds the decoded bytes, whose offsets are this file's.
   */
  sameContentEtags?: readonly string[];
}

export interface SendFileOptions {
  cacheControl: string;
  /** Set when the representation was chosen by a request header (Accept-Encoding). */
  vary?: string;
}

/**
 * Sends a file with conditional and range support (RFC 9110): If-None-Match → 304, one byte range
 * → 206 (guarded by If-Range), an unsatisfiable range → 416. The body streams from disk, so a
 * multi-gigabyte model shard never sits in memory; HEAD gets the headers alone.
 */
export function sendFile(request: FastifyRequest, reply: FastifyReply, file: FileRepresentation, options: SendFileOptions): FastifyReply {
  reply.header('etag', file.etag).header('cache-control', options.cacheControl).header('accept-ranges', 'bytes');
  if (options.vary) reply.header('vary', options.vary);
  if (noneMatch(request.headers['if-none-match'], file.etag)) return reply.code(304).send();

  const rangeHeader = request.headers.range;
  const range =
    rangeHeader && ifRangeHolds(request.headers['if-range'] as string | undefined, [file.etag, ...(file.sameContentEtags ?? [])])
      ? parseRange(rangeHeader, file.size)
      : null;
  if (range === 'unsatisfiable') {
    reply.header('content-range', `bytes */${file.size}`);
    throw new ServerError('range/not-satisfiable', `The requested range is outside the file (${file.size} bytes).`, {
      size: file.size,
    });
  }
  // Set only now: the 416 error body above is plain JSON, never encoded.
  reply.header('content-type', file.contentType);
  if (file.contentEncoding) reply.header('content-encoding', file.contentEncoding);
  const { start, end } = range ?? { start: 0, end: file.size - 1 };
  if (range) reply.code(206).header('content-range', `bytes ${start}-${end}/${file.size}`);
  reply.header('content-length', String(end - start + 1));
  if (request.method === 'HEAD' || end < start) return reply.send();
  return reply.send(createReadStream(file.path, { start, end }));
}

/** Weak comparison, as If-None-Match requires; `*` matches any current representation. */
function noneMatch(header: string | undefined, etag: string): boolean {
  if (!header) return false;
  return header.split(',').some((tag) => {
    const t = tag.trim();
    return t === '*' || t.replace(/^W\//, '') === etag;
  });
}

/** If-Range needs a strong match; a date (we send no Last-Modified) never matches, so the whole file follows. */
function ifRangeHolds(header: string | undefined, etags: readonly string[]): boolean {
  return header === undefined || etags.includes(header.trim());
}

/**
 * One range of `bytes=a-b`, `bytes=a-` or `bytes=-n`, clamped to the file. Anything else (several
 * ranges, another unit, bad syntax) is ignored and the whole file is sent, as RFC 9110 allows.
 */
function parseRange(header: string, size: number): { start: number; end: number } | 'unsatisfiable' | null {
  const match = /^bytes=(\d*)-(\d*)$/.exec(header.trim());
  if (!match || (match[1] === '' && match[2] === '')) return null;
  if (match[1] === '') {
    const suffix = Number(match[2]);
    if (suffix === 0 || size === 0) return 'unsatisfiable';
    return { start: Math.max(0, size - suffix), end: size - 1 };
  }
  const start = Number(match[1]);
  const last = match[2] === '' ? Number.POSITIVE_INFINITY : Number(match[2]);
  if (last < start) return null;
  if (start >= size) return 'unsatisfiable';
  return { start, end: Math.min(last, size - 1) };
}

/** A file stored with compressed copies beside it (its path + `extension`), each its own representation. */
export interface EncodedFile {
  path: string;
  etag: string;
  contentType: string;
  copies: readonly { encoding: string; extension: string; etag: string }[];
}

/**
 * Sends the first copy Accept-Encoding allows, or the file itself. A request with a Range always
 * gets the file itself: browsers decode Content-Encoding as they read, so a page can only resume
 * from an offset in the decoded bytes, and a slice from the middle of a compressed stream cannot be
 * decoded anyway. Its If-Range may name any copy's ETag, the content being the same.
 */
export async function sendEncodedFile(
  request: FastifyRequest,
  reply: FastifyReply,
  file: EncodedFile,
  options: Omit<SendFileOptions, 'vary'>,
): Promise<FastifyReply> {
  const chosen =
    request.headers.range === undefined
      ? chooseEncoding(
          request.headers['accept-encoding'],
          file.copies.map((c) => c.encoding),
        )
      : null;
  const copy = file.copies.find((c) => c.encoding === chosen);
  const path = file.path + (copy?.extension ?? '');
  const { size } = await stat(path);
  const representation: FileRepresentation = copy
    ? { path, size, etag: copy.etag, contentType: file.contentType, contentEncoding: copy.encoding }
    : { path, size, etag: file.etag, contentType: file.contentType, sameContentEtags: file.copies.map((c) => c.etag) };
  return sendFile(request, reply, representation, { ...options, vary: 'Accept-Encoding' });
}

/**
 * The first of `offered` (the server's order of preference) that Accept-Encoding allows with q > 0,
 * directly or through `*`; null means the identity encoding.
 */
export function chooseEncoding(header: string | undefined, offered: readonly string[]): string | null {
  if (!header) return null;
  const q = new Map<string, number>();
  for (const part of header.split(',')) {
    const [name, ...params] = part.trim().toLowerCase().split(';');
    const weight = params.map((p) => /^\s*q=([\d.]+)\s*$/.exec(p)?.[1]).find((v) => v !== undefined);
    if (name) q.set(name, weight === undefined ? 1 : Number(weight));
  }
  return offered.find((encoding) => (q.get(encoding) ?? q.get('*') ?? 0) > 0) ?? null;
}

/**
 * The little HTTP plumbing the sandbox server needs: JSON bodies in (size-capped, validated with
 * zod) and JSON answers out, with errors as `{ "error": { "code", "message" } }`.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { z } from 'zod';

const MAX_BODY_BYTES = 1024 * 1024;

/** An answer other than 200, thrown by a route and sent by the server. */
export class HttpError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly headers: Record<string, string> = {},
  ) {
    super(message);
    this.name = 'HttpError';
  }
}

export function badRequest(message: string): HttpError {
  return new HttpError(400, 'BAD_REQUEST', message);
}

export function notFound(message: string): HttpError {
  return new HttpError(404, 'NOT_FOUND', message);
}

export async function readBody(req: IncomingMessage): Promise<Buffer> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    const buffer = Buffer.isBuffer(chunk) ? chunk : Buffer.from(String(chunk));
    size += buffer.length;
    if (size > MAX_BODY_BYTES)
      throw new HttpError(413, 'TOO_LARGE', `The body is larger than ${MAX_BODY_BYTES} bytes.`);
    chunks.push(buffer);
  }
  return Buffer.concat(chunks);
}

/** The request's JSON body checked against the schema; an empty body counts as `{}`. */
export async function readJson<S extends z.ZodType>(req: IncomingMessage, schema: S): Promise<z.output<S>> {
  const raw = (await readBody(req)).toString('utf8').trim();
  let parsed: unknown = {};
  if (raw !== '') {
    try {
      parsed = JSON.parse(raw);
    } catch {
      throw badRequest('The body is not valid JSON.');
    }
  }
  const checked = schema.safeParse(parsed);
  if (!checked.success) {
    throw badRequest(
      checked.error.issues
        .map((issue) => (issue.path.length > 0 ? `${issue.path.join('.')}: ${issue.message}` : issue.message))
        .join('; '),
    );
  }
  return checked.data;
}

export function sendJson(
  res: ServerResponse,
  status: number,
  body: unknown,
  headers: Record<string, string> = {},
): void {
  const text = JSON.stringify(body, null, 2);
  res.writeHead(status, { 'content-type': 'application/json; charset=utf-8', 'cache-control': 'no-store', ...headers });
  res.end(`${text}\n`);
}

export function sendError(res: ServerResponse, error: HttpError): void {
  sendJson(res, error.status, { error: { code: error.code, message: error.message } }, error.headers);
}

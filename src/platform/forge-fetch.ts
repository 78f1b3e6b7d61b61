/**
 * The `Fetch` the Kosli and GitHub adapters send through: Forge's `fetch`, which the platform's
 * egress proxy checks against the manifest's `permissions.external.fetch.backend`.
 * @see https://developer.atlassian.com/platform/forge/runtime-reference/fetch-api/
 */
import { fetch as forgeApiFetch, type RequestInit as ForgeRequestInit } from '@forge/api';
import { AppError } from '../errors';
import type { Fetch } from '../http/transport';
import { toStandardResponse } from './forge-response';

/**
 * Forge's RequestInit types string, URLSearchParams and ArrayBuffer bodies. Kosli's writes are
 * multipart: a FormData body is encoded here into bytes plus its boundary content type, which every
 * runtime sends unchanged.
 */
async function forgeBody(body: BodyInit | null | undefined, headers: Headers): Promise<ForgeRequestInit['body']> {
  if (body === null || body === undefined) return undefined;
  if (typeof body === 'string' || body instanceof URLSearchParams || body instanceof ArrayBuffer) return body;
  if (body instanceof FormData) {
    const encoded = new Request('http://multipart.invalid/', { method: 'POST', body });
    const type = encoded.headers.get('content-type');
    if (type) headers.set('content-type', type);
    return encoded.arrayBuffer();
  }
  throw new AppError('INTERNAL', 'Forge fetch only sends string, URLSearchParams, ArrayBuffer or FormData bodies.');
}

async function forgeInit(init: RequestInit | undefined): Promise<ForgeRequestInit | undefined> {
  if (!init) return undefined;
  const headers = new Headers(init.headers);
  const body = await forgeBody(init.body, headers);
  return {
    method: init.method,
    headers: Object.fromEntries(headers),
    body,
    redirect: init.redirect,
    signal: init.signal ?? undefined,
  };
}

export const forgeFetch: Fetch = async (url, init) =>
  toStandardResponse(await forgeApiFetch(url, await forgeInit(init)));

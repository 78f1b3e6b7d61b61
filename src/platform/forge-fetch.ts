/**
 * The `Fetch` the Kosli and GitHub adapters send through: Forge's `fetch`, which the platform's
 * egress proxy checks against the manifest's `permissions.external.fetch.backend`.
 * @see https://developer.atlassian.com/platform/forge/runtime-reference/fetch-api/
 */
import { fetch as forgeApiFetch, type RequestInit as ForgeRequestInit } from '@forge/api';
import { AppError } from '../errors';
import type { Fetch } from '../http/transport';
import { toStandardResponse } from './forge-response';

/** Forge's RequestInit accepts string, URLSearchParams and ArrayBuffer bodies; our adapters send strings. */
function forgeBody(body: BodyInit | null | undefined): ForgeRequestInit['body'] {
  if (body === null || body === undefined) return undefined;
  if (typeof body === 'string' || body instanceof URLSearchParams || body instanceof ArrayBuffer) return body;
  throw new AppError('INTERNAL', 'Forge fetch only sends string, URLSearchParams or ArrayBuffer bodies.');
}

function forgeInit(init: RequestInit | undefined): ForgeRequestInit | undefined {
  if (!init) return undefined;
  return {
    method: init.method,
    headers: Object.fromEntries(new Headers(init.headers)),
    body: forgeBody(init.body),
    redirect: init.redirect,
    signal: init.signal ?? undefined,
  };
}

export const forgeFetch: Fetch = async (url, init) => toStandardResponse(await forgeApiFetch(url, forgeInit(init)));

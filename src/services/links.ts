/**
 * Links into Jira and into the app's own pages, from the site and app identity of a Forge context.
 * Jobs have no context, so the resolver stores the last seen identity and jobs build links from it.
 */
import type { Links } from './deps';

export interface SiteIdentity {
  siteUrl: string;
  appId: string;
  environmentId: string;
  projectType: string;
}

/** "ari:cloud:ecosystem::extension/<appId>/<envId>/static/<moduleKey>" → app and environment ids. */
export function parseLocalId(localId: string | undefined): { appId: string; environmentId: string } | null {
  const match = /extension\/([0-9a-f-]{8,})\/([0-9a-f-]{8,})\//i.exec(localId ?? '');
  return match?.[1] && match[2] ? { appId: match[1], environmentId: match[2] } : null;
}

export function linksFor(site: SiteIdentity): Links {
  const base = site.siteUrl.replace(/\/+$/, '');
  return {
    releasePage: (projectKey, versionId) =>
      `${base}/jira/${site.projectType}/projects/${encodeURIComponent(projectKey)}/apps/${site.appId}/${site.environmentId}/release/${encodeURIComponent(versionId)}`,
    jiraRelease: (projectKey, versionId) =>
      `${base}/projects/${encodeURIComponent(projectKey)}/versions/${encodeURIComponent(versionId)}`,
    jiraIssue: (key) => `${base}/browse/${encodeURIComponent(key)}`,
  };
}

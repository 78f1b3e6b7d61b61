/**
 * Collects the panel's Content-Security-Policy violation reports (the browser POSTs them to the
 * policy's report-uri), so the sandbox shows what Forge's CSP would block and browser tests fail on it.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { z } from 'zod';
import { readBody } from '../server/http-io';

/** The fields of a report-uri report (`{ "csp-report": {...} }`) worth showing. */
const reportSchema = z.object({
  'csp-report': z
    .object({
      'document-uri': z.string().optional(),
      'violated-directive': z.string().optional(),
      'effective-directive': z.string().optional(),
      'blocked-uri': z.string().optional(),
      'source-file': z.string().optional(),
      'line-number': z.number().optional(),
    })
    .loose(),
});

export type CspViolation = z.output<typeof reportSchema>['csp-report'];

export class CspReports {
  readonly violations: CspViolation[] = [];

  constructor(private readonly log: (line: string) => void) {}

  /** Answers the browser's POST; a body that is no report is kept as text so it is not lost. */
  async receive(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const text = (await readBody(req)).toString('utf8');
    let body: unknown;
    try {
      body = JSON.parse(text);
    } catch {
      body = undefined;
    }
    const report = reportSchema.safeParse(body);
    const violation: CspViolation = report.success
      ? report.data['csp-report']
      : { 'violated-directive': `unreadable report: ${text.slice(0, 200)}` };
    this.violations.push(violation);
    this.log(
      `CSP violation in the panel: ${violation['violated-directive'] ?? violation['effective-directive'] ?? '?'} blocked ${violation['blocked-uri'] ?? '?'}`,
    );
    res.writeHead(204);
    res.end();
  }
}

import { z } from 'zod';
import { complianceReport } from '../services/compliance-report';
import { defineResolver } from './define';

/** `YYYY-MM-DD` or an ISO time; the service checks the format and the period's rules. */
const instant = z.string().min(1, 'Pick a date').max(40, 'A date or ISO time');

export const reportComplianceResolver = defineResolver({
  key: 'report/compliance',
  payload: z.strictObject({ from: instant, to: instant }),
  project: 'context',
  run: (deps, ctx, payload) => complianceReport(deps, ctx, payload),
});

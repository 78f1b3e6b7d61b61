/**
 * Reads what the fake GitHub needs from a workflow file, the way GitHub reads it: the name, the
 * `run-name` template, whether it has a `workflow_dispatch` trigger and the inputs that trigger
 * declares. The fake refuses dispatches with undeclared or missing inputs exactly as GitHub does,
 * so a drift between the app's inputs and the shipped workflow shows up in tests.
 */
import { parse } from 'yaml';
import { z } from 'zod';

export interface WorkflowInputSpec {
  name: string;
  required: boolean;
  /** GitHub's default when the input is omitted; undefined when the file declares none. */
  default: string | undefined;
  type: 'string' | 'choice' | 'boolean' | 'number' | 'environment';
  /** Allowed values of a `choice` input. */
  options: string[];
}

export interface WorkflowFile {
  name: string | null;
  runName: string | null;
  /** Null when the workflow has no `workflow_dispatch` trigger. */
  dispatchInputs: WorkflowInputSpec[] | null;
}

const scalar = z.union([z.string(), z.number(), z.boolean()]).transform(String);

const inputSchema = z.object({
  description: z.string().optional(),
  required: z.boolean().optional(),
  default: scalar.optional(),
  type: z.enum(['string', 'choice', 'boolean', 'number', 'environment']).optional(),
  options: z.array(scalar).optional(),
});

const triggerSchema = z.union([z.string(), z.array(z.string()), z.record(z.string(), z.unknown())]);

const fileSchema = z.object({
  name: z.string().optional(),
  'run-name': z.string().optional(),
  on: triggerSchema,
});

const dispatchSchema = z
  .object({ inputs: z.record(z.string(), inputSchema.nullable()).nullable().optional() })
  .nullable();

export function parseWorkflowFile(yamlText: string): WorkflowFile {
  const file = fileSchema.parse(parse(yamlText));
  const on = file.on;
  let dispatchInputs: WorkflowInputSpec[] | null = null;
  if (on === 'workflow_dispatch' || (Array.isArray(on) && on.includes('workflow_dispatch'))) dispatchInputs = [];
  else if (typeof on === 'object' && !Array.isArray(on) && 'workflow_dispatch' in on) {
    const dispatch = dispatchSchema.parse(on.workflow_dispatch ?? null);
    dispatchInputs = Object.entries(dispatch?.inputs ?? {}).map(([name, spec]) => ({
      name,
      required: spec?.required ?? false,
      default: spec?.default,
      type: spec?.type ?? 'string',
      options: spec?.options ?? [],
    }));
  }
  return { name: file.name ?? null, runName: file['run-name'] ?? null, dispatchInputs };
}

/**
 * Renders a `run-name` the way Actions does for the expressions a dispatch run-name uses:
 * `inputs.X`, `github.event.inputs.X`, `github.ref_name`, `github.actor`; anything else renders empty.
 */
export function renderRunName(
  template: string,
  context: { inputs: Record<string, string>; refName: string; actor: string },
): string {
  return template.replace(/\$\{\{\s*([^}]*?)\s*\}\}/g, (_match, expression: string) => {
    const input = /^(?:github\.event\.)?inputs\.([A-Za-z_][A-Za-z0-9_-]*)$/.exec(expression);
    if (input) return context.inputs[input[1] ?? ''] ?? '';
    if (expression === 'github.ref_name') return context.refName;
    if (expression === 'github.actor') return context.actor;
    return '';
  });
}

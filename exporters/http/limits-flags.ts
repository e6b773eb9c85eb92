// The limits API's flags for `cgmeter serve` and their checks at start-up (token file, audit log).
// Kept apart from limits-routes.ts (hono routes) so that the command line's help loads neither.

import { readFileSync, statSync } from 'node:fs';
import type { FlagSpec, ParsedArgs } from '../../cli/command.js';
import { UsageError } from '../../cli/units.js';
import { AuditLog, DEFAULT_AUDIT_LOG } from '../../collector/limits/audit.js';

export const LIMITS_API_FLAGS: Record<string, FlagSpec> = {
  'enable-limits-api': {
    type: 'boolean',
    description: 'serve PUT /api/v1/containers/:id/limits and POST …/freeze, …/thaw (needs --api-token-file)',
  },
  'api-token-file': {
    type: 'string', placeholder: 'PATH', env: 'CGMETER_API_TOKEN_FILE',
    description: 'file holding the bearer token the limits API requires (at least 16 characters)',
  },
  'audit-log': {
    type: 'string', placeholder: 'PATH', env: 'CGMETER_AUDIT_LOG', default: DEFAULT_AUDIT_LOG,
    description: 'JSON-lines log of every limit change and refusal',
  },
};

export interface LimitsApiOptions {
  readonly enabled: boolean;
  /** The bearer token (trimmed file content); present when enabled. */
  readonly token?: string;
  readonly auditLogPath: string;
}

const MIN_TOKEN_LENGTH = 16;

/**
 * Reads and checks the flags once at start-up (token file, and that the audit log can be written);
 * a bad setting stops `serve` with exit code 2 before anything runs.
 */
export function limitsApiOptionsFrom(args: ParsedArgs): LimitsApiOptions {
  const enabled = args.values['enable-limits-api'] === true;
  const auditLogPath = (args.values['audit-log'] as string | undefined) ?? DEFAULT_AUDIT_LOG;
  const tokenFile = args.values['api-token-file'] as string | undefined;
  if (!enabled) return { enabled, auditLogPath };
  if (tokenFile === undefined) throw new UsageError('--enable-limits-api needs --api-token-file PATH (a file holding the bearer token clients must send)');
  let token: string;
  try {
    if ((statSync(tokenFile).mode & 0o002) !== 0) throw new UsageError(`--api-token-file ${tokenFile} is world-writable; anyone could replace the token`);
    token = readFileSync(tokenFile, 'utf8').trim();
  } catch (err) {
    if (err instanceof UsageError) throw err;
    throw new UsageError(`--api-token-file ${tokenFile}: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`);
  }
  if (token.length < MIN_TOKEN_LENGTH || /\s/.test(token)) {
    throw new UsageError(`--api-token-file ${tokenFile} must hold one token of at least ${MIN_TOKEN_LENGTH} characters without spaces (e.g. \`openssl rand -hex 32\`)`);
  }
  try {
    new AuditLog(auditLogPath).ensureWritable(); // an API whose changes cannot be logged is not served
  } catch (err) {
    throw new UsageError(`--enable-limits-api: ${(err as Error).message}`);
  }
  return { enabled, token, auditLogPath };
}

// The one error type of the limits module. Every refusal (bad input, unknown or unsafe target, a
// value the kernel would not take, a write the kernel refused) is a LimitError whose message names
// what was wrong and what would be right; callers map `kind` to an exit code or HTTP status.

export type LimitErrorKind =
  /** A value or flag the user gave is malformed or out of range. */
  | 'input'
  /** The container or cgroup named does not exist among the discovered ones. */
  | 'not-found'
  /** The target resolved to something cgmeter must never write (symlink, `..`, root, non-cgroup fs). */
  | 'unsafe'
  /** The change is allowed only with force (memory limit below current usage). */
  | 'needs-force'
  /** The host lacks the controller or file (no swap accounting, no freezer, …). */
  | 'unsupported'
  /** The kernel refused a write (EBUSY, EINVAL, EPERM, …); earlier writes were rolled back. */
  | 'kernel';

export class LimitError extends Error {
  override readonly name = 'LimitError';

  constructor(
    readonly kind: LimitErrorKind,
    message: string,
    /** The kernel file involved, when there is one. */
    readonly file?: string,
    /** errno code of a kernel refusal (`EBUSY`, `EINVAL`, …). */
    readonly code?: string,
  ) {
    super(message);
  }
}

/** HTTP status for a refusal, shared by the API routes and their tests. */
export function httpStatusOf(error: LimitError): 400 | 404 | 409 | 422 | 501 {
  switch (error.kind) {
    case 'input': return 400;
    case 'not-found': return 404;
    case 'unsafe': return 422;
    case 'needs-force': return 409;
    case 'unsupported': return 501;
    case 'kernel': return 409;
  }
}

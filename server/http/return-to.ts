/**
 * A page of this app to come back to after signing in: a path on this site only (never `//host` or a full URL,
 * which would make the sign-in an open redirect), at most 500 characters; anything else is ignored.
 */
export function returnPath(value: unknown): string | undefined {
  if (typeof value !== 'string' || value.length > 500) return undefined;
  if (!value.startsWith('/') || value.startsWith('//') || value.includes('\\')) return undefined;
  if (/[\u0000-\u001f]/.test(value)) return undefined;
  return value;
}

/** Where a signed-out visitor of `path` is sent: the landing page, which offers to sign in and come back. */
export function signInPath(path: string): string {
  return path === '/' ? '/' : `/?next=${encodeURIComponent(path)}`;
}

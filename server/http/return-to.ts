/**
 * A page of this app to come back to after signing in: a path on this site only (never `//host` or a full URL,
 * which would make the sign-in an open redirect), at most 500 characters; anything else is ignored.
 */
export function returnPath(value: unknown): string | undefined {
  if (typeof value !== 'string' || value.length > 500) return undefined;
  if (!value.startsWith('/') || value.startsWith('//') || value.includes('\\')) return undefined;
  if ([...value].some((char) => char.charCodeAt(0) < 0x20)) return undefined; // control characters
  return value;
}

/** Where a signed-out visitor of `path` is sent: the landing page, which offers to sign in and come back. */
export function signInPath(path: string): string {
  return path === '/' ? '/' : `/?next=${encodeURIComponent(path)}`;
}

/**
 * JSON for a JWT segment whose base64url form never contains '-' or '_'.
 *
 * Why: intuit-oauth's validateIdToken decodes the header and payload with atob(), which rejects the
 * base64url characters '-' and '_'. Plain ASCII JSON rarely triggers it, but a '>', '?', '~' or any
 * non-ASCII character (a user's name, say) at the wrong offset does; the emulator's tokens must always pass.
 * For 7-bit ASCII the only byte that yields sextet 62 or 63 is one at offset ≡ 2 (mod 3) whose low six
 * bits are 111110/111111 ('>', '?', '~', DEL); inside strings such a character is written as a \u
 * escape (whose characters are all safe), and everything outside strings is safe ASCII already.
 */
export function atobSafeJson(value: unknown): string {
  let out = '';
  const write = (v: unknown): void => {
    if (typeof v === 'string') {
      out += '"';
      for (let i = 0; i < v.length; i++) out += stringChar(v.charCodeAt(i), out.length);
      out += '"';
    } else if (typeof v === 'number') {
      out += Number.isFinite(v) ? String(v) : 'null';
    } else if (typeof v === 'boolean' || v === null || v === undefined) {
      out += String(v ?? null);
    } else if (Array.isArray(v)) {
      out += '[';
      v.forEach((item, i) => {
        if (i > 0) out += ',';
        write(item);
      });
      out += ']';
    } else {
      out += '{';
      Object.entries(v as Record<string, unknown>)
        .filter(([, item]) => item !== undefined)
        .forEach(([key, item], i) => {
          if (i > 0) out += ',';
          write(key);
          out += ':';
          write(item);
        });
      out += '}';
    }
  };
  write(value);
  return out;
}

function stringChar(code: number, offset: number): string {
  if (code === 0x22) return '\\"';
  if (code === 0x5c) return '\\\\';
  const risky = offset % 3 === 2 && (code & 0x3f) >= 0x3e;
  if (code < 0x20 || code > 0x7e || risky) return `\\u${code.toString(16).padStart(4, '0')}`;
  return String.fromCharCode(code);
}

/** base64url of atobSafeJson(value): a JWT header or payload segment. */
export function jwtSegment(value: unknown): string {
  return Buffer.from(atobSafeJson(value), 'utf8').toString('base64url');
}

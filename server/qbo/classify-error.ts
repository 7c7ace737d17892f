import { QboError, QboPermanent, QboReauthRequired, QboTransient } from './qbo-errors.js';

/** The shapes a failure arrives in from axios (node-quickbooks, intuit-oauth) or as a 200 body with a Fault. */
interface HttpishError {
  response?: { status?: number; data?: unknown; headers?: Record<string, unknown> };
  status?: number;
  code?: string;
  error?: string;
  intuit_tid?: string;
  intuitTid?: string;
  authResponse?: { response?: { status?: number; headers?: Record<string, unknown> }; json?: unknown };
  message?: string;
  Fault?: unknown;
}

const NETWORK_CODES = new Set([
  'ECONNRESET',
  'ECONNREFUSED',
  'ETIMEDOUT',
  'ECONNABORTED',
  'EPIPE',
  'EAI_AGAIN',
  'ENOTFOUND',
  'ERR_SOCKET_CONNECTION_TIMEOUT',
  'UND_ERR_SOCKET',
]);
/** Fault codes that mean the grant is gone: authentication failure, app credentials rejected. */
const REAUTH_FAULTS = new Set(['3200', '3201', '120', '100']);
const OAUTH_REAUTH = new Set(['invalid_grant', 'invalid_client', 'unauthorized_client']);

function header(headers: Record<string, unknown> | undefined, name: string): string | undefined {
  if (!headers) return undefined;
  for (const [k, v] of Object.entries(headers)) {
    if (k.toLowerCase().replace(/-/g, '_') === name) return v === undefined ? undefined : String(v);
  }
  return undefined;
}

/** Fault code from QBO's JSON (`Fault.Error[0].code`), its lower-case 401 shape, or the XML throttle body. */
export function faultCode(body: unknown): string | undefined {
  if (typeof body === 'string') return /<Error code="(\d+)"/.exec(body)?.[1];
  if (!body || typeof body !== 'object') return undefined;
  const b = body as {
    Fault?: { Error?: Array<{ code?: string }> };
    fault?: { error?: Array<{ code?: string }> };
    error?: string;
  };
  return b.Fault?.Error?.[0]?.code ?? b.fault?.error?.[0]?.code ?? (typeof b.error === 'string' ? b.error : undefined);
}

function faultMessage(body: unknown): string | undefined {
  if (!body || typeof body !== 'object') return undefined;
  const b = body as {
    Fault?: { Error?: Array<{ Message?: string; Detail?: string }> };
    fault?: { error?: Array<{ detail?: string }> };
    error_description?: string;
  };
  const e = b.Fault?.Error?.[0];
  if (e) return [e.Message, e.Detail].filter(Boolean).join(': ');
  return b.fault?.error?.[0]?.detail ?? b.error_description;
}

/**
 * A body read as bytes (a PDF request's failure arrives as a Buffer: node-quickbooks asks axios for an arraybuffer)
 * as the JSON or text it holds; any other body as it is.
 */
export function decodeBinary(body: unknown): unknown {
  if (!(body instanceof Uint8Array || body instanceof ArrayBuffer)) return body;
  const text = Buffer.from(body instanceof ArrayBuffer ? new Uint8Array(body) : body).toString('utf8');
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return text;
  }
}

/** Sorts any failure from the Intuit libraries into reconnect-needed / transient / permanent. */
export function classifyQboError(err: unknown, context: string): QboError {
  if (err instanceof QboError) return err;
  const e = (err ?? {}) as HttpishError;
  const response = e.response ?? e.authResponse?.response;
  const status = response?.status ?? e.status;
  const body = decodeBinary(e.response?.data) ?? e.authResponse?.json ?? (e.Fault ? e : undefined);
  const code = faultCode(body) ?? (typeof e.error === 'string' ? e.error : undefined);
  const intuitTid = header(response?.headers, 'intuit_tid') ?? e.intuit_tid ?? e.intuitTid;
  const retryAfter = Number(header(response?.headers, 'retry_after'));
  const details = {
    ...(status !== undefined ? { status } : {}),
    ...(code !== undefined ? { code } : {}),
    ...(intuitTid !== undefined ? { intuitTid } : {}),
    ...(Number.isFinite(retryAfter) && retryAfter > 0 ? { retryAfterSec: retryAfter } : {}),
    cause: err,
  };
  const httpStatus = status ? ` (HTTP ${status})` : '';
  const message = `${context}: ${faultMessage(body) ?? e.message ?? 'request failed'}${httpStatus}`;

  if (status === 401 || (code !== undefined && (REAUTH_FAULTS.has(code) || OAUTH_REAUTH.has(code))))
    return new QboReauthRequired(message, details);
  if (status === 429 || code === '3001' || (status !== undefined && status >= 500) || code === '10000')
    return new QboTransient(message, details);
  if (status === undefined && e.code !== undefined && NETWORK_CODES.has(e.code))
    return new QboTransient(message, details);
  if (status === undefined && !body) return new QboTransient(message, details);
  return new QboPermanent(message, details);
}

import type { Response } from 'express';
import { authFaultBody, faults, QboFault, WWW_AUTHENTICATE_INVALID_TOKEN } from '../qbo-fault.js';
import { throttleFaultXml } from './throttle.js';

/** The fault codes an injected `{ kind: 'fault' }` can name; '429' is an alias of QBO's throttle code 3001. */
export const INJECTABLE_FAULT_CODES = [
  '610',
  '2010',
  '2050',
  '3200',
  '3001',
  '429',
  '4001',
  '5010',
  '6240',
  '500',
  '10000',
] as const;
export type InjectableFaultCode = (typeof INJECTABLE_FAULT_CODES)[number];

/** What the injector knows when rendering: the envelope `time` and whether this is the OAuth token endpoint. */
export interface FaultContext {
  time: string;
  nowMs: number;
  tokenEndpoint: boolean;
}

/**
 * QBO's SystemFault (code 10000) for a 5xx. The real 500/503 body is UNCONFIRMED (qbo-api.md §4); this is
 * the probable shape and matches what the emulator's own error handler sends. Not in qbo-fault.ts yet.
 */
export function systemFault(): QboFault {
  return new QboFault(
    500,
    {
      Message: 'An application error has occurred while processing your request',
      Detail: 'System Failure Error: injected fault',
      code: '10000',
    },
    'SystemFault',
  );
}

/** A QBO fault by code, with the texts real responses carry (qbo-api.md §4). */
export function faultForCode(code: Exclude<InjectableFaultCode, '3200' | '3001' | '429'>, detail?: string): QboFault {
  switch (code) {
    case '610':
      return faults.objectNotFound();
    case '2010':
      return faults.requestNotParsable(
        detail ?? 'Property Name:Unrecognized field "Injected" specified is unsupported or invalid',
      );
    case '2050':
      return faults.stringTooLong('DisplayName', 500, 501);
    case '4001':
      return faults.invalidQuery(detail ?? 'QueryParserError: Encountered " <INTEGER> "1 "" at line 1, column 8.');
    case '5010':
      return faults.staleObject('Invoice');
    case '6240':
      return faults.duplicateName();
    // QBO's code 500 is "Unsupported Operation", an HTTP 400 ValidationFault, not a server error.
    case '500':
      return faults.unsupportedOperation(detail ?? '/v3/company/-COMPANY_ID-/injected');
    case '10000':
      return systemFault();
  }
}

export function sendThrottled(res: Response, ctx: FaultContext): void {
  res.status(429).type('application/xml').send(throttleFaultXml(ctx.time));
}

export function sendAuthFault(res: Response, ctx: FaultContext, detail = 'Token expired'): void {
  res.status(401).set('WWW-Authenticate', WWW_AUTHENTICATE_INVALID_TOKEN).json(authFaultBody(detail, ctx.nowMs));
}

/** A bare status rendered the way QBO (or Intuit's OAuth server, for the token endpoint) would answer it. */
export function sendStatus(res: Response, status: number, ctx: FaultContext): void {
  if (ctx.tokenEndpoint) {
    // Standard OAuth error bodies (qbo-api.md §4): invalid_grant for 400, invalid_client for 401.
    const error =
      status === 400
        ? 'invalid_grant'
        : status === 401
          ? 'invalid_client'
          : status >= 500
            ? 'server_error'
            : 'invalid_request';
    return void res.status(status).json({ error });
  }
  if (status === 401) return sendAuthFault(res, ctx);
  if (status === 429) return sendThrottled(res, ctx);
  if (status === 403) {
    const fault = faults.authorizationFailed();
    return void res.status(403).json(fault.body(ctx.time));
  }
  if (status >= 500) return void res.status(status).json(systemFault().body(ctx.time));
  const generic = new QboFault(status, {
    Message: 'An application error has occurred while processing your request',
    Detail: `Injected HTTP ${status}`,
    code: String(status),
  });
  res.status(status).json(generic.body(ctx.time));
}

import request from 'supertest';
import type { Express } from 'express';
import { submitEmulatorConsent } from '../../server/cli/emulator-consent.js';

export type Agent = ReturnType<typeof request.agent>;

/** Starts "Connect to QuickBooks" in a browser-like agent (cookies kept) and returns Intuit's authorize URL. */
export async function startConnect(agent: Agent, path = '/connect'): Promise<string> {
  const res = await agent.get(path);
  if (res.status !== 303) throw new Error(`${path} answered ${res.status}`);
  return res.headers.location!;
}

/** The whole flow: Connect, approve (or deny) on the emulator's consent page, follow the callback. */
export async function connectCompany(
  agent: Agent,
  realmId: string,
  decision: 'approve' | 'deny' = 'approve',
  userSub?: string,
) {
  const authorizeUrl = await startConnect(agent);
  const callback = new URL(
    await submitEmulatorConsent({ authorizeUrl, realmId, decision, ...(userSub ? { userSub } : {}) }),
  );
  return agent.get(callback.pathname + callback.search);
}

export function newAgent(app: Express): Agent {
  return request.agent(app);
}

/** The CSRF token rendered into the page's forms. */
export function csrfFrom(html: string): string {
  const m = /name="_csrf" value="([^"]+)"/.exec(html);
  if (!m) throw new Error('no CSRF token on the page');
  return m[1]!;
}

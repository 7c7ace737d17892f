/**
 * Approves (or denies) the emulator's consent page without a browser: the same form POST a user's click
 * makes, so the app still goes through the real authorize → redirect → code exchange flow.
 */
export interface ConsentDecision {
  authorizeUrl: string;
  realmId: string;
  decision?: 'approve' | 'deny';
  /** Which emulated Intuit user approves (the consent page's "Signed in as"); default the first. */
  userSub?: string;
}

/** Returns the redirect the emulator answers with: the app's callback URL carrying code/state/realmId or an error. */
export async function submitEmulatorConsent(d: ConsentDecision): Promise<string> {
  const authorize = new URL(d.authorizeUrl);
  // Loading the consent page first validates client_id, redirect_uri and scope exactly as a browser visit would.
  const page = await fetch(authorize, { redirect: 'manual' });
  if (page.status >= 300 && page.status < 400) return requireLocation(page);
  if (!page.ok)
    throw new Error(`the emulator's consent page answered HTTP ${page.status}: ${firstLine(await page.text())}`);
  await page.arrayBuffer();

  const form = new URLSearchParams();
  for (const key of ['client_id', 'redirect_uri', 'scope', 'state', 'response_type']) {
    const value = authorize.searchParams.get(key);
    if (value !== null) form.set(key, value);
  }
  form.set('realmId', d.realmId);
  form.set('decision', d.decision ?? 'approve');
  if (d.userSub) form.set('userSub', d.userSub);
  const decided = await fetch(new URL('/connect/oauth2/decision', authorize.origin), {
    method: 'POST',
    redirect: 'manual',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: form,
  });
  if (decided.status < 300 || decided.status >= 400) {
    throw new Error(
      `the emulator did not accept the consent (HTTP ${decided.status}): ${firstLine(await decided.text())}`,
    );
  }
  return requireLocation(decided);
}

function requireLocation(res: Response): string {
  const location = res.headers.get('location');
  if (!location) throw new Error(`the emulator answered HTTP ${res.status} without a redirect`);
  return location;
}

function firstLine(text: string): string {
  return text
    .replace(/<[^>]*>/g, ' ')
    .replace(/\s+/g, ' ')
    .trim()
    .slice(0, 200);
}

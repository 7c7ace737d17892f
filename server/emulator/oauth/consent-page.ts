import type { EmulatedIntuitUser } from './oauth-users.js';

const escape = (s: string) => s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

export interface ConsentPageModel {
  clientId: string;
  redirectUri: string;
  scope: string;
  state: string;
  companies: Array<{ realmId: string; companyName: string }>;
  users: readonly EmulatedIntuitUser[];
}

/**
 * The emulator's stand-in for Intuit's consent screen: pick the Intuit user and the company, then Connect or
 * Cancel. Self-contained (no external assets); stable names so browser tests and the CLI can drive it.
 */
export function renderConsentPage(m: ConsentPageModel): string {
  const hidden = (name: string, value: string) => `<input type="hidden" name="${name}" value="${escape(value)}">`;
  const companies = m.companies
    .map(
      (c, i) =>
        `<label class="choice"><input type="radio" name="realmId" value="${escape(c.realmId)}" ` +
        `data-realm-id="${escape(c.realmId)}"${i === 0 ? ' checked' : ''}> ` +
        `${escape(c.companyName)} <small>(${escape(c.realmId)})</small></label>`,
    )
    .join('\n');
  // Sign-in-only consent (no accounting/payment scope) connects no company, so it offers none.
  const needsCompany = m.scope.split(' ').some((s) => s.startsWith('com.intuit.quickbooks.'));
  const users = m.users
    .map(
      (u) =>
        `<option value="${escape(u.sub)}">${escape(`${u.givenName} ${u.familyName}`)} (${escape(u.email)})</option>`,
    )
    .join('');
  const hiddenFields =
    hidden('client_id', m.clientId) +
    hidden('redirect_uri', m.redirectUri) +
    hidden('scope', m.scope) +
    hidden('state', m.state) +
    hidden('response_type', 'code');
  const companyFieldset = needsCompany
    ? `<fieldset><legend>Company</legend>\n${companies || '<p>This emulator serves no companies.</p>'}\n</fieldset>`
    : '';
  const approveDisabled = needsCompany && m.companies.length === 0 ? ' disabled' : '';
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>Connect to QuickBooks · Intuit (emulator)</title>
<style>
body{font-family:system-ui,sans-serif;background:#f4f5f8;color:#393a3d;margin:0}
main{max-width:520px;margin:40px auto;background:#fff;border:1px solid #dcdee0;border-radius:8px;padding:24px}
h1{font-size:20px;margin:0 0 4px}.note{color:#6b6c72;font-size:13px}.choice{display:block;padding:8px 0}
fieldset{border:1px solid #dcdee0;border-radius:6px;margin:16px 0}
button{padding:8px 18px;border-radius:4px;font-weight:600;cursor:pointer}
.approve{background:#2ca01c;color:#fff;border:0}.deny{background:#fff;border:1px solid #dcdee0}
</style></head>
<body><main data-emulator-consent>
<h1>Connect an app to QuickBooks</h1>
<p class="note">QuickBooks Online emulator: this page stands in for Intuit's consent screen.</p>
<p><strong>${escape(m.clientId)}</strong> asks to access: ${m.scope
    .split(' ')
    .map((s) => `<code>${escape(s)}</code>`)
    .join(', ')}</p>
<form id="consent" method="post" action="/connect/oauth2/decision">
${hiddenFields}
<label for="userSub">Signed in to Intuit as</label>
<select id="userSub" name="userSub">${users}</select>
${companyFieldset}
<button type="submit" id="approve" class="approve" name="decision" value="approve"
 data-decision="approve"${approveDisabled}>Connect</button>
<button type="submit" id="deny" class="deny" name="decision" value="deny" data-decision="deny">Cancel</button>
</form></main></body></html>`;
}

export function renderOAuthErrorPage(message: string): string {
  return `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Intuit (emulator): error</title></head>
<body><main data-emulator-oauth-error><h1>This connection request cannot be processed</h1>
<p>${escape(message)}</p></main></body></html>`;
}

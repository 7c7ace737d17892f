import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { connectCompany, csrfFrom, newAgent, type Agent } from '../support/connect-helper.js';
import { fixtureCompany } from '../support/fixture-company.js';
import { syncWorld, type SyncWorld } from '../support/sync-harness.js';

describe('the mailbox page and the digest it links to', () => {
  let w: SyncWorld;
  let agent: Agent;
  beforeAll(async () => {
    w = await syncWorld({ file: fixtureCompany() });
    agent = newAgent(w.t.app);
    await connectCompany(agent, w.realmId);
  });
  afterAll(() => w.close());

  it('says email stays local without SMTP and shows the digest off, with a link to Settings and no form', async () => {
    const page = await agent.get('/mailbox');
    expect(page.text).toContain('No SMTP server is configured');
    expect(page.text).toMatch(/<strong>Off<\/strong>: no digest email is sent\./);
    expect(page.text).toContain('<a href="/settings#digest" id="mailbox-digest-settings">Change it in Settings</a>');
    expect(page.text).not.toContain('action="/mailbox/digest"');
    expect(page.text).not.toContain('name="enabled"');
  });

  it('shows the state switched in Settings: on, for the owner, then for another address', async () => {
    const csrf = csrfFrom((await agent.get('/settings')).text);
    const on = await agent
      .post('/settings/digest')
      .type('form')
      .send({ _csrf: csrf, enabled: '1', recipient: 'owner', to: '' });
    expect(on.status).toBe(303);
    expect((await agent.get('/mailbox')).text).toContain('sent to the owner, owner@duesense-demo.test');
    await agent
      .post('/settings/digest')
      .type('form')
      .send({ _csrf: csrf, enabled: '1', recipient: 'address', to: 'books@example.test' });
    expect((await agent.get('/mailbox')).text).toMatch(/<strong>On<\/strong>: .*sent to books@example\.test\./);
  });

  it('has no second digest form: a post to the old address is not found', async () => {
    const csrf = csrfFrom((await agent.get('/mailbox')).text);
    const old = await agent.post('/mailbox/digest').type('form').send({ _csrf: csrf, enabled: '1', to: '' });
    expect(old.status).toBe(404);
  });
});

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { connectCompany, csrfFrom, newAgent, type Agent } from '../support/connect-helper.js';
import { fixtureCompany } from '../support/fixture-company.js';
import { syncWorld, type SyncWorld } from '../support/sync-harness.js';

describe('the mailbox page and the digest switch', () => {
  let w: SyncWorld;
  let agent: Agent;
  beforeAll(async () => {
    w = await syncWorld({ file: fixtureCompany() });
    agent = newAgent(w.t.app);
    await connectCompany(agent, w.realmId);
  });
  afterAll(() => w.close());

  it('says email stays local without SMTP, turns the digest on for the owner, and refuses a bad address', async () => {
    const page = await agent.get('/mailbox');
    expect(page.text).toContain('No SMTP server is configured');
    expect(page.text).toContain('owner@duesense-demo.test');
    const csrf = csrfFrom(page.text);
    expect((await agent.post('/mailbox/digest').type('form').send({ _csrf: csrf, enabled: '1', to: '' })).status).toBe(
      303,
    );
    expect(await w.t.container.digests.preferences(w.realmId)).toEqual({ enabled: true, to: null });
    const bad = await agent
      .post('/mailbox/digest')
      .type('form')
      .send({ _csrf: csrf, enabled: '1', to: 'not-an-address' });
    expect(bad.status).toBe(400);
    expect(bad.text).toContain('is not an email address');
    expect(await w.t.container.digests.preferences(w.realmId)).toEqual({ enabled: true, to: null });
  });
});

import type { Container } from '../server/container.js';

export const tokenKeepaliveJob = {
  name: 'token-keepalive',
  description: 'Refresh the OAuth tokens of connected companies whose refresh token expires within 30 days.',
  run(c: Pick<Container, 'tokenKeepalive'>): Promise<string> {
    return c.tokenKeepalive.runToday();
  },
};

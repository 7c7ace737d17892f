import express, { Router } from 'express';
import type { Container } from '../container.js';
import { parseNotifications } from '../features/sync/webhook-notifications.js';
import { verifyWebhookSignature } from '../qbo/webhook-signature.js';

/**
 * Intuit's webhook endpoint: the signature is checked over the raw bytes (timing-safe), the notifications
 * are queued, and the answer goes back at once (Intuit wants 200 within 3 seconds); the refresh runs after.
 */
export function webhookRoutes(c: Pick<Container, 'config' | 'webhooks' | 'logger'>): Router {
  const router = Router();
  router.post('/webhooks/intuit', express.raw({ type: () => true, limit: '1mb' }), async (req, res) => {
    const verifier = c.config.intuit.webhookVerifierToken;
    if (!verifier) {
      c.logger.warn('webhook received but INTUIT_WEBHOOK_VERIFIER_TOKEN is not set');
      return void res.status(503).json({ error: 'webhooks_not_configured' });
    }
    const raw = Buffer.isBuffer(req.body) ? req.body : Buffer.alloc(0);
    if (!verifyWebhookSignature(raw, req.get('intuit-signature'), verifier)) {
      c.logger.warn({ bytes: raw.length }, 'webhook with a bad signature rejected');
      return void res.status(401).json({ error: 'invalid_signature' });
    }
    let body: unknown;
    try {
      body = JSON.parse(raw.toString('utf8'));
    } catch {
      c.logger.warn('signed webhook body is not JSON; ignored');
      return void res.status(200).json({ queued: 0 });
    }
    const queued = await c.webhooks.enqueue(parseNotifications(body));
    res.status(200).json({ queued });
    if (queued > 0)
      setImmediate(
        () => void c.webhooks.drain().catch((err: unknown) => c.logger.error({ err }, 'webhook drain failed')),
      );
  });
  return router;
}

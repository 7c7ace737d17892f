import { Writable } from 'node:stream';
import express from 'express';
import request from 'supertest';
import { describe, expect, it } from 'vitest';
import { requestLog } from '../../../server/http/request-log.js';
import { createLogger } from '../../../server/logger.js';

/** An app with only the request log, and the lines it wrote. */
function appLogging(level: string) {
  const lines: string[] = [];
  const destination = new Writable({
    write(chunk, _e, done) {
      lines.push(String(chunk));
      done();
    },
  });
  const app = express().use(requestLog(createLogger({ level, destination })));
  app.get('/customers', (_req, res) => {
    res.send('ok');
  });
  app.get('/healthz', (_req, res) => {
    res.send('ok');
  });
  return { app, lines };
}

const browserHeaders = {
  'user-agent': 'Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/156.0 Safari/537.36',
  accept: 'text/html,application/xhtml+xml,application/xml;q=0.9,image/avif,image/webp,*/*;q=0.8',
  'accept-language': 'en-US,en;q=0.9',
  cookie: 'duesense.sid=s%3Aabc.def',
};

describe('the request log', () => {
  it('writes one short line per request at info: method, path, status, time; no headers, no query', async () => {
    const { app, lines } = appLogging('info');
    await request(app).get('/customers?q=Acme%20Corp&page=2').set(browserHeaders);
    expect(lines).toHaveLength(1);
    const line = JSON.parse(lines[0]!) as Record<string, unknown>;
    expect(line.msg).toMatch(/^GET \/customers 200 \d+ ms$/);
    expect(line.req).toEqual({ id: expect.anything(), method: 'GET', path: '/customers' });
    expect(line.res).toEqual({ status: 200 });
    expect(lines[0]).not.toMatch(/Mozilla|Acme|duesense\.sid/);
    expect(lines[0]!.length).toBeLessThan(300);
  });

  it('keeps the headers for debugging, with the cookie redacted', async () => {
    const { app, lines } = appLogging('debug');
    await request(app).get('/customers').set(browserHeaders);
    expect(lines[0]).toMatch(/Mozilla/);
    expect(lines[0]).not.toMatch(/duesense\.sid/);
  });

  it('does not log health checks', async () => {
    const { app, lines } = appLogging('info');
    await request(app).get('/healthz');
    expect(lines).toEqual([]);
  });
});

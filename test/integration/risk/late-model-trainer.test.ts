import { Worker } from 'node:worker_threads';
import { afterAll, describe, expect, it } from 'vitest';
import { generateCompany } from '../../../server/emulator/generator/generate-company.js';
import { createLateModelTrainer, trainInPlace } from '../../../server/features/risk/model/late-model-trainer.js';
import { createLogger } from '../../../server/logger.js';
import { Writable } from 'node:stream';
import { companyToInvoiceFacts } from '../../unit/risk/model/company-to-facts.js';

// A real worker thread (from the TypeScript sources, as under tsx): what a large company's score run uses.
describe('late-payment model trainer', () => {
  const invoices = companyToInvoiceFacts(generateCompany({ seed: 9, customers: 60, months: 24, asOf: '2026-10-31' }));
  const options = { asOf: '2026-10-31', graceDays: 3 };
  const logs: string[] = [];
  const logger = createLogger({ level: 'warn', destination: new Writable({ write(chunk, _enc, done) { logs.push(String(chunk)); done(); } }) });
  const trainer = createLateModelTrainer({ logger, workerFromInvoices: 0 });
  afterAll(() => trainer.close());

  it('trains on a worker thread to exactly what training in place gives, run after run', async () => {
    const inPlace = trainInPlace(invoices, options);
    expect(inPlace.card.fallback).toBe(false);
    expect(inPlace.predictions.length).toBeGreaterThan(0);
    const [first, second] = await Promise.all([trainer.train(invoices, options), trainer.train(invoices, { ...options, graceDays: 0 })]);
    expect(first).toEqual(inPlace);
    expect(second).toEqual(trainInPlace(invoices, { ...options, graceDays: 0 }));
    expect(logs).toEqual([]); // no fallback happened
  });

  it('starts a new thread after close()', async () => {
    await trainer.close();
    expect(await trainer.train(invoices, options)).toEqual(trainInPlace(invoices, options));
  });

  it('trains in place, with a warning, when the thread dies', async () => {
    const broken = createLateModelTrainer({ logger, workerFromInvoices: 0, startWorker: () => new Worker('process.exit(3)', { eval: true }) });
    try {
      expect(await broken.train(invoices, options)).toEqual(trainInPlace(invoices, options));
      expect(logs.join('')).toMatch(/late-payment model thread failed; training on the main thread/);
      expect(logs.join('')).toMatch(/exited \(code 3\)/);
    } finally {
      await broken.close();
    }
  });

  it('keeps small companies on the calling thread', async () => {
    const never = createLateModelTrainer({ logger, workerFromInvoices: invoices.length + 1, startWorker: () => { throw new Error('no thread expected'); } });
    expect(await never.train(invoices, options)).toEqual(trainInPlace(invoices, options));
    await never.close();
  });
});

import { Worker } from 'node:worker_threads';
import type { Logger } from '../../../logger.js';
import type { InvoiceFact } from '../domain/risk-facts.js';
import { predictOpenInvoices, trainLatePaymentModel, type InvoiceLateProbability, type LatePaymentModelCard, type TrainOptions } from './late-payment-model.js';
import { packInvoices, transferList } from './packed-invoices.js';

export interface LateModelOutcome {
  card: LatePaymentModelCard;
  /** The open invoices' probabilities, in input order. */
  predictions: InvoiceLateProbability[];
}

/**
 * Trains a company's late-payment model and scores its open invoices. Large companies train on a worker
 * thread, so the score run's other half (every customer's metrics, the forecast) runs on the main thread
 * meanwhile: on the 2-core benchmark machine the two take about the same time. Small companies train in
 * place, where a thread's start-up and copying would cost more than they save.
 */
export interface LateModelTrainer {
  /** Starts at once; call it before the work it should overlap with and await it after. */
  train(invoices: readonly InvoiceFact[], o: TrainOptions): Promise<LateModelOutcome>;
  close(): Promise<void>;
}

/** Below this many invoices training stays on the calling thread (it takes well under 100 ms there). */
export const DEFAULT_WORKER_FROM_INVOICES = 20_000;

export function trainInPlace(invoices: readonly InvoiceFact[], o: TrainOptions): LateModelOutcome {
  const model = trainLatePaymentModel(invoices, o);
  return { card: model.card, predictions: predictOpenInvoices(model, invoices, o.asOf) };
}

interface Pending { resolve(outcome: LateModelOutcome): void; reject(error: Error): void }
type WorkerReply = { job: number; ok: true; card: LatePaymentModelCard; predictions: InvoiceLateProbability[] } | { job: number; ok: false; message: string; stack?: string };

/**
 * One long-lived worker (its JIT stays warm across runs), started on first use; it never keeps the process
 * alive. If it fails, its jobs are retried in place, so a broken thread costs time, never a score run.
 */
export function createLateModelTrainer(o: { logger: Logger; workerFromInvoices?: number; /** Tests: a thread that fails. */ startWorker?: () => Worker }): LateModelTrainer {
  const threshold = o.workerFromInvoices ?? DEFAULT_WORKER_FROM_INVOICES;
  let worker: Worker | undefined;
  let nextJob = 1;
  const pending = new Map<number, Pending>();

  function failAll(error: Error): void {
    worker = undefined;
    for (const p of pending.values()) p.reject(error);
    pending.clear();
  }

  function started(): Worker {
    if (worker) return worker;
    const w = (o.startWorker ?? startWorker)();
    w.unref();
    w.on('message', (reply: WorkerReply) => {
      const p = pending.get(reply.job);
      if (!p) return;
      pending.delete(reply.job);
      if (reply.ok) p.resolve({ card: reply.card, predictions: reply.predictions });
      else p.reject(Object.assign(new Error(reply.message), { stack: reply.stack }));
    });
    w.on('error', (error) => failAll(error));
    w.on('exit', (code) => { if (worker === w) failAll(new Error(`the late-payment model's thread exited (code ${code})`)); });
    worker = w;
    return w;
  }

  async function inWorker(invoices: readonly InvoiceFact[], options: TrainOptions): Promise<LateModelOutcome> {
    const job = nextJob++;
    const packed = packInvoices(invoices);
    const outcome = new Promise<LateModelOutcome>((resolve, reject) => pending.set(job, { resolve, reject }));
    started().postMessage({ job, invoices: packed, options }, transferList(packed));
    return outcome;
  }

  return {
    async train(invoices, options) {
      if (invoices.length < threshold) return trainInPlace(invoices, options);
      try {
        return await inWorker(invoices, options);
      } catch (error) {
        o.logger.warn({ err: error }, 'late-payment model thread failed; training on the main thread');
        return trainInPlace(invoices, options);
      }
    },
    async close() {
      const w = worker;
      worker = undefined;
      if (w) await w.terminate();
    },
  };
}

/**
 * From compiled JavaScript the worker is a plain module. From TypeScript sources (tsx, vitest) the thread
 * has no loader of its own: it registers tsx's before importing the worker.
 */
function startWorker(): Worker {
  const entry = new URL(`./late-model-worker${import.meta.url.endsWith('.ts') ? '.ts' : '.js'}`, import.meta.url);
  if (!entry.pathname.endsWith('.ts')) return new Worker(entry);
  const tsx = import.meta.resolve('tsx/esm/api');
  return new Worker(`import(${JSON.stringify(tsx)}).then(({ register }) => { register(); return import(${JSON.stringify(entry.href)}); });`, { eval: true });
}

import { parentPort } from 'node:worker_threads';
import { predictOpenInvoices, trainLatePaymentModel, type TrainOptions } from './late-payment-model.js';
import { unpackInvoices, type PackedInvoices } from './packed-invoices.js';

/**
 * The late-payment model's thread (late-model-trainer.ts): trains on the packed invoices and scores the open
 * ones, one job at a time, while the main thread computes the customer metrics.
 */
export interface TrainingJob { job: number; invoices: PackedInvoices; options: TrainOptions }

parentPort?.on('message', (m: TrainingJob) => {
  try {
    const invoices = unpackInvoices(m.invoices);
    const model = trainLatePaymentModel(invoices, m.options);
    parentPort!.postMessage({ job: m.job, ok: true, card: model.card, predictions: predictOpenInvoices(model, invoices, m.options.asOf) });
  } catch (e) {
    parentPort!.postMessage({ job: m.job, ok: false, message: e instanceof Error ? e.message : String(e), stack: e instanceof Error ? e.stack : undefined });
  }
});

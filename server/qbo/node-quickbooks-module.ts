import { createRequire } from 'node:module';

/**
 * node-quickbooks is CommonJS and its typings declare an ES default export that does not exist at run
 * time, so it is loaded with require and typed as what we use: a constructor with static URL fields.
 */
export type NodeQuickBooksConstructor = (new (...args: unknown[]) => unknown) & Record<string, unknown>;

export const NodeQuickBooks = createRequire(import.meta.url)('node-quickbooks') as NodeQuickBooksConstructor;

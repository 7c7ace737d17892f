// ESLint flat config: typescript-eslint's recommended rules (not type-checked: type-aware linting is too slow for CI)
// plus the import boundaries between layers and features described in docs/architecture.md.
import { readdirSync } from 'node:fs';
import js from '@eslint/js';
import { defineConfig } from 'eslint/config';
import globals from 'globals';
import tseslint from 'typescript-eslint';

// ---------------------------------------------------------------------------------------------------------------
// Import boundaries. Each boundary says which imports a set of files must not use, and why. A zone lists the files
// and every boundary that applies to them: ESLint replaces a rule's options when a later block sets the same rule,
// so each zone carries the union of its boundaries rather than relying on blocks adding up.
// Dynamic import() is not checked by no-restricted-imports; only the QBO libraries are also guarded there.
// ---------------------------------------------------------------------------------------------------------------

const FEATURES = readdirSync(new URL('./server/features/', import.meta.url), { withFileTypes: true })
  .filter((entry) => entry.isDirectory())
  .map((entry) => entry.name)
  .sort();

/**
 * What one feature may not import from another: the store implementations and the code that reads tables for them.
 * Allowed (not listed): *-service.js, the interfaces *-store-type.js and *-reader-type.js, domain/** and other
 * plain modules.
 */
const FEATURE_INTERNALS = ['*-store.js', 'fake-*.js', '*-loader.js', '*-reader.js'];

/** The libraries that talk to QuickBooks: only the anti-corruption layer in server/qbo/ knows them. */
const QBO_LIBRARIES = ['intuit-oauth', 'node-quickbooks'];

/** Libraries and Node modules that do I/O, which the pure domain code must not touch. */
const IO_MODULES = [
  'express',
  'knex',
  'pg',
  'sqlite3',
  ...QBO_LIBRARIES,
  ...['fs', 'fs/promises', 'http', 'https', 'net'].flatMap((name) => [name, `node:${name}`]),
];

/** Pure code: no I/O, time as a parameter (architecture principle 6). */
const DOMAIN_FOLDERS = {
  ...Object.fromEntries(FEATURES.map((feature) => [feature, [`server/features/${feature}/domain/**`]])),
  risk: ['domain', 'model', 'clusters', 'forecast'].map((folder) => `server/features/risk/${folder}/**`),
};

const qboLibraries = {
  paths: QBO_LIBRARIES.map((name) => ({
    name,
    message: 'Only server/qbo/ may use the QuickBooks libraries; go through its gateway and clients.',
  })),
  syntax: [
    {
      selector: `:matches(CallExpression, ImportExpression) > Literal[value=/^(${QBO_LIBRARIES.join('|')})$/]`,
      message: 'Only server/qbo/ may load the QuickBooks libraries; go through its gateway and clients.',
    },
  ],
};

/** @param {string} feature */
function otherFeaturesInternals(feature) {
  const others = FEATURES.filter((name) => name !== feature);
  return {
    patterns: [
      {
        group: others.flatMap((other) => FEATURE_INTERNALS.map((file) => `**/${other}/**/${file}`)),
        message:
          'A feature uses another feature through its service or store interface (*-service.js, *-store-type.js), ' +
          'not its store, fake, loader or reader.',
      },
    ],
  };
}

const pureDomain = {
  paths: IO_MODULES.map((name) => ({ name, message: 'Domain code is pure: no frameworks, databases or I/O.' })),
  patterns: [
    {
      group: ['*-store.js', '**/db/**', '**/qbo/**', '**/http/**'],
      message: 'Domain code is pure: it does not reach stores, server/db, server/qbo or server/http.',
    },
  ],
};

const entryPoint = {
  paths: [
    { name: 'knex', message: 'Routes and jobs receive services and stores from the container, never a database.' },
  ],
  patterns: [
    {
      group: ['**/db/**', '*-store.js', 'fake-*.js'],
      message:
        'Routes and jobs receive services and stores from the container; they do not build stores or use server/db.',
    },
  ],
  syntax: [
    {
      selector: 'MemberExpression[property.name=/^(db|readDb)$/], ObjectPattern > Property[key.name=/^(db|readDb)$/]',
      message: 'Routes and jobs use the services and stores of the container, not its database handles (db, readDb).',
    },
  ],
};

/** @typedef {{ paths?: object[], patterns?: object[], syntax?: object[] }} Boundary */

/**
 * One config block for a set of files with the union of the given boundaries.
 * @param {{ files: string[], ignores?: string[], boundaries: Boundary[] }} zone
 */
function zone({ files, ignores = [], boundaries }) {
  const paths = boundaries.flatMap((boundary) => boundary.paths ?? []);
  const patterns = boundaries.flatMap((boundary) => boundary.patterns ?? []);
  const syntax = boundaries.flatMap((boundary) => boundary.syntax ?? []);
  return {
    files,
    ignores,
    rules: {
      'no-restricted-imports': ['error', { paths, patterns }],
      'no-restricted-syntax': ['error', ...syntax],
    },
  };
}

/** Tests that drive the QuickBooks libraries against the emulator may import them. */
const QBO_LIBRARY_USERS = ['server/qbo/**', 'test/integration/**', 'test/support/**'];
const ENTRY_POINTS = ['server/http/**', 'jobs/**'];
/** The session store is a store itself, kept beside the session middleware. */
const ENTRY_POINT_EXEMPT = ['server/http/session/**'];

const boundaryZones = [
  zone({ files: ['**/*.{ts,js}'], ignores: QBO_LIBRARY_USERS, boundaries: [qboLibraries] }),
  ...FEATURES.map((feature) =>
    zone({ files: [`server/features/${feature}/**`], boundaries: [qboLibraries, otherFeaturesInternals(feature)] }),
  ),
  ...FEATURES.map((feature) =>
    zone({ files: DOMAIN_FOLDERS[feature], boundaries: [qboLibraries, otherFeaturesInternals(feature), pureDomain] }),
  ),
  zone({ files: ENTRY_POINTS, ignores: ENTRY_POINT_EXEMPT, boundaries: [qboLibraries, entryPoint] }),
];

export default defineConfig(
  { ignores: ['dist/', 'coverage/', 'test-artifacts/', 'bench/results/', '.prof/', 'data/', 'logs/'] },
  js.configs.recommended,
  tseslint.configs.recommended,
  {
    languageOptions: { sourceType: 'module', globals: globals.node },
    linterOptions: { reportUnusedDisableDirectives: 'error' },
    rules: {
      '@typescript-eslint/no-unused-vars': [
        'error',
        { argsIgnorePattern: '^_', varsIgnorePattern: '^_', ignoreRestSiblings: true },
      ],
      '@typescript-eslint/consistent-type-imports': ['error', { fixStyle: 'inline-type-imports' }],
      eqeqeq: ['error', 'always', { null: 'ignore' }],
      // Lines a person can read without scrolling (issue 14): Prettier's printWidth, also for the strings,
      // template literals and comments Prettier does not break. Split long text with + instead; only URLs and
      // regex literals may run on.
      'max-len': ['error', { code: 120, ignoreUrls: true, ignoreRegExpLiterals: true }],
    },
  },
  {
    files: ['public/js/**/*.js'],
    languageOptions: { sourceType: 'script', globals: globals.browser },
  },
  ...boundaryZones,
);

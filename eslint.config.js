// One flat config for every package: TypeScript and Vue, type-only imports, no process.env outside
// the server's configuration files, and the import boundaries between layers (docs/architecture.md).
import js from '@eslint/js'
import tseslint from 'typescript-eslint'
import vue from 'eslint-plugin-vue'
import vueParser from 'vue-eslint-parser'
import globals from 'globals'
import { readdirSync } from 'node:fs'

// Import boundaries (docs/architecture.md, "Layers inside the server"). Each rule names the layer a
// file must not reach; a specifier is matched as written, so the patterns follow each folder's depth.
const SERVER_TESTS = ['server/src/**/*.test.ts']
/** What a feature may import from another feature: its exported surface, nothing else. */
const FEATURE_SURFACE = '(public|read-model|module|config|repository|rules|errors|types|paths)'
const layer = (name, regex, why) => ({ regex, message: `${why} (${name}; docs/architecture.md).` })
const NO_APP = layer('app/ is the composition', '^(\\.\\./)+app/', 'Only the composition and tests import app/')
const NO_MODULES = layer('modules/ are features', '^(\\.\\./)+modules/', 'This layer sits below the features and imports none of them')
const otherFeatureInternals = (up) =>
  layer(
    'feature internals',
    `^${up}(?!\\.\\.)[^/]+/(?![^/]+\\.${FEATURE_SURFACE}\\.ts$)`,
    `Import another feature only through its <feature>.public.ts, .read-model.ts, .module.ts, .config.ts, .repository.ts, .rules.ts, .errors.ts, .types.ts or .paths.ts`,
  )
const boundaries = (files, ...patterns) => ({ files, ignores: SERVER_TESTS, rules: { 'no-restricted-imports': ['error', { patterns }] } })

// Table owners (docs/architecture.md, "Table owners"): a feature names only its own tables, so it
// imports them from its own schema file(s) db/schema/<file>.ts, never from the db/schema.ts barrel
// (drizzle-kit's entry) nor another feature's file. A feature's file is db/schema/<feature>.ts unless
// listed here; a new feature folder is covered as soon as it exists. columns.ts holds column helpers.
const OWN_SCHEMA_FILES = { auth: ['users', 'security'], golive: [], health: [], 'staff-console': [] }
const FEATURES = readdirSync(new URL('./server/src/modules/', import.meta.url), { withFileTypes: true })
  .filter((entry) => entry.isDirectory())
  .map((entry) => entry.name)
const SCHEMA_BARREL = {
  regex: '^(\\.\\./)+db/schema(\\.ts)?$',
  message: 'Import tables from the owning feature\'s db/schema/<file>.ts, not the db/schema.ts barrel (docs/architecture.md, "Table owners").',
}
const tablesOf = (feature) => ({
  files: [`server/src/modules/${feature}/**/*.ts`],
  ignores: SERVER_TESTS,
  rules: {
    '@typescript-eslint/no-restricted-imports': [
      'error',
      {
        patterns: [
          SCHEMA_BARREL,
          {
            regex: `^(\\.\\./)+db/schema/(?!(${[...(OWN_SCHEMA_FILES[feature] ?? [feature]), 'columns'].join('|')})\\.ts$)`,
            message: `Another feature's tables: read them through its <feature>.read-model.ts, change them through a write function its repository names (docs/architecture.md, "Table owners").`,
          },
        ],
      },
    ],
  },
})
/**
 * The documented exceptions (docs/architecture.md, "Table owners"): read-only cross-owner joins kept
 * for performance, each in one file. They may name other owners' tables, still not through the barrel.
 * - certificates/completion-report.read-model.ts: the completion report (OPS-3) joins enrolments,
 *   projects, accounts, progress and certificates of a whole year in one statement;
 *   certificates/completion-summary.read-model.ts counts the same per unit and 区县 for 统计.
 * - group-orders/group-orders.read-model.ts: the 对公转账 queue, transfer rows joined onto their pending orders.
 * - invoices/invoice-orders.read-model.ts: 我的发票 and the invoice job's sweeps, anti-joins of paid
 *   orders without an invoice.
 * - learning/course-progress.read-model.ts and learning/learner-record.read-model.ts: a learner's
 *   progress joined onto the catalogue's courses and chapters in one statement (the progress path,
 *   bench:progress; staff's study record of a learner).
 */
const CROSS_OWNER_READ_MODELS = [
  'server/src/modules/certificates/completion-report.read-model.ts',
  'server/src/modules/certificates/completion-summary.read-model.ts',
  'server/src/modules/group-orders/group-orders.read-model.ts',
  'server/src/modules/invoices/invoice-orders.read-model.ts',
  'server/src/modules/learning/course-progress.read-model.ts',
  'server/src/modules/learning/learner-record.read-model.ts',
]

/** shared/ files the H5 may import at run time: they (and what they import) never pull TypeBox. */
const TYPEBOX_FREE = ['error-codes', 'certificate-number', 'id-number', 'phone', 'password', 'invoice-rules', 'group-lines', 'learning-policy', 'privacy-policy', 'real-name', 'text-cleaning', 'money', 'yearly-rule', 'help-contacts', 'staff-roles']

export default tseslint.config(
  { ignores: ['**/dist/**', '**/node_modules/**', '**/.data/**', 'server/drizzle/**', '**/coverage/**'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  ...vue.configs['flat/recommended'],
  {
    files: ['**/*.{ts,mts,vue}'],
    languageOptions: {
      parser: vueParser,
      parserOptions: { parser: tseslint.parser, extraFileExtensions: ['.vue'], sourceType: 'module' },
      globals: { ...globals.node },
    },
    rules: {
      '@typescript-eslint/consistent-type-imports': ['error', { fixStyle: 'inline-type-imports' }],
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      '@typescript-eslint/no-explicit-any': 'error',
      'vue/multi-word-component-names': 'off',
      'vue/max-attributes-per-line': 'off',
      'vue/singleline-html-element-content-newline': 'off',
      'vue/html-self-closing': 'off',
      'vue/html-indent': 'off',
      'vue/html-closing-bracket-newline': 'off',
      'vue/multiline-html-element-content-newline': 'off',
    },
  },
  {
    files: ['h5/**/*.{ts,vue}'],
    languageOptions: { globals: { ...globals.browser } },
  },
  {
    files: ['**/*.{js,mjs}'],
    languageOptions: { globals: { ...globals.node } },
  },
  {
    // Scripts use the server only through its two exported surfaces (package.json "exports" stops
    // deep package imports; this stops relative paths into the server folder).
    files: ['scripts/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            {
              regex: '(^|/)server/(src|test)(/|$)',
              message: 'Import the server through @app/server/commands (server/src/app/commands.ts) or @app/server/testing.',
            },
          ],
        },
      ],
    },
  },
  {
    files: ['server/src/**/*.ts'],
    // app/app.config.ts reads the environment and hands it to each feature's <feature>.config.ts.
    ignores: ['server/src/app/app.config.ts', 'server/src/modules/*/*.config.ts'],
    rules: {
      'no-restricted-properties': [
        'error',
        { object: 'process', property: 'env', message: 'Read configuration in server/src/app/app.config.ts or the feature\'s <feature>.config.ts.' },
      ],
    },
  },
  // core/ is below everything: no composition, feature, plugin, simulator or worker.
  boundaries(['server/src/core/**/*.ts'], NO_APP, NO_MODULES, layer('core', '^(\\.\\./)+(plugins|simulator|workers)/', 'core/ imports only db/ types and itself')),
  // A feature never imports the composition, and another feature only through its surface.
  boundaries(['server/src/modules/*/*.ts'], NO_APP, otherFeatureInternals('\\.\\./')),
  boundaries(['server/src/modules/*/*/**/*.ts'], NO_APP, otherFeatureInternals('\\.\\./\\.\\./')),
  // Integrations are clients of the outside world: no feature, and no crypto shared with the simulator.
  boundaries(['server/src/integrations/**/*.ts'], NO_APP, NO_MODULES, layer('integrations', '^(\\.\\./)+simulator/', 'An integration never imports the simulator')),
  boundaries(['server/src/simulator/**/*.ts'], NO_APP, NO_MODULES, layer('simulator', '^(\\.\\./)+integrations/', 'The simulator never imports our WeChat client')),
  boundaries(['server/src/{plugins,db,crypto}/**/*.ts'], NO_APP, NO_MODULES),
  // Thread entry points run a feature's parser, but never the composition.
  boundaries(['server/src/workers/**/*.ts'], NO_APP),
  // Each feature names only its own tables; the exceptions' override comes after (it must win).
  ...FEATURES.map(tablesOf),
  { files: CROSS_OWNER_READ_MODELS, rules: { '@typescript-eslint/no-restricted-imports': ['error', { patterns: [SCHEMA_BARREL] }] } },
  // The H5 bundle: values only from TypeBox-free shared files; schema files with `import type` only.
  {
    files: ['h5/src/**/*.{ts,vue}'],
    ignores: ['h5/src/**/*.test.ts'],
    rules: {
      '@typescript-eslint/no-restricted-imports': [
        'error',
        {
          patterns: [
            {
              regex: `^@app/shared(?!/(${TYPEBOX_FREE.join('|')})$)`,
              allowTypeImports: true,
              message: 'This shared file pulls TypeBox into the bundle: import its types with `import type`, values only from a TypeBox-free file (docs/conventions.md).',
            },
          ],
        },
      ],
    },
  },
  {
    files: TYPEBOX_FREE.map((name) => `shared/src/${name}.ts`),
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            { regex: '^typebox', message: 'A TypeBox-free shared file never imports TypeBox (the H5 imports it at run time).' },
            { regex: `^\\./(?!(${TYPEBOX_FREE.join('|')})\\.ts$)`, message: 'A TypeBox-free shared file imports only other TypeBox-free files.' },
          ],
        },
      ],
    },
  },
)

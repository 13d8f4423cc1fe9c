// Lint, including the layer rule: the folder name tells the runtime, and a
// layer may not import what its runtime does not have.
import js from '@eslint/js';
import react from 'eslint-plugin-react';
import reactHooks from 'eslint-plugin-react-hooks';
import tseslint from 'typescript-eslint';

const nodeBuiltins = [
  'node:*',
  'fs',
  'path',
  'os',
  'child_process',
  'crypto',
  'http',
  'https',
  'net',
  'stream',
  'url',
  'util',
  'worker_threads',
];
const electronMessage = 'Only src/main and src/preload may import electron; keep logic in src/core.';
const electronBan = { group: ['electron', 'electron/*'], message: electronMessage };
const nodeBan = { group: nodeBuiltins, message: 'This layer runs outside Node: no Node built-ins.' };

// Optional native modules are dropped by npm when their build fails: typing
// them from the package would make the typecheck depend on that build.
const optionalNativeBan = {
  name: 'smartcard',
  message: 'An optional native module: use src/core/card/pcsc/smartcardBinding.ts (own types, loaded with createRequire).',
};

const namedExportsOnly = { selector: 'ExportDefaultDeclaration', message: 'Use named exports.' };
// `await import('electron')` and `require('electron')` dodge no-restricted-imports.
const dynamicElectron = [
  { selector: 'ImportExpression[source.value=/^electron(\\/|$)/]', message: electronMessage },
  { selector: "CallExpression[callee.name='require'][arguments.0.value=/^electron(\\/|$)/]", message: electronMessage },
];

export const layerRules = {
  // Pure contract, types and helpers: no Electron, no Node, no DOM-only libraries.
  'src/shared/**': {
    paths: ['ws', 'pino', 'react'],
    patterns: [
      electronBan,
      nodeBan,
      { group: ['**/core/**', '**/main/**', '**/renderer/**', '**/host/**'], message: 'src/shared depends on nothing else in src.' },
    ],
  },
  'src/core/**': {
    paths: ['react'],
    patterns: [
      electronBan,
      { group: ['**/main/**', '**/renderer/**', '**/host/**', '**/preload/**'], message: 'src/core must not reach into a shell.' },
    ],
  },
  'src/host/**': {
    paths: [],
    patterns: [
      electronBan,
      { group: ['**/main/**', '**/renderer/**', '**/preload/**'], message: 'The host reaches the core, not other shells.' },
    ],
  },
  'src/upstream/**': { paths: [], patterns: [electronBan] },
  'src/renderer/**': {
    paths: ['ws', 'pino'],
    patterns: [
      electronBan,
      nodeBan,
      {
        group: ['**/core/**', '**/host/**', '**/main/**'],
        message: 'The renderer reaches the booth only through the contract (src/shared).',
      },
    ],
  },
  // Code for both web pages, the booth's screen and the officer console: DOM, never Node.
  'src/browser/**': {
    paths: ['ws', 'pino', 'react'],
    patterns: [
      electronBan,
      nodeBan,
      {
        group: ['**/core/**', '**/host/**', '**/main/**', '**/renderer/**', '**/console/**', '**/upstream/**'],
        message: 'src/browser uses src/shared only.',
      },
    ],
  },
  // The officer console (served by the upstream): it speaks the officer contract over HTTP, nothing else.
  'src/console/**': {
    paths: ['ws', 'pino'],
    patterns: [
      electronBan,
      nodeBan,
      {
        group: ['**/core/**', '**/host/**', '**/main/**', '**/renderer/**', '**/upstream/**'],
        message: 'The console reaches the upstream only over HTTP (src/shared/officer).',
      },
    ],
  },
  'src/preload/**': {
    paths: [],
    patterns: [
      nodeBan,
      { group: ['**/core/**', '**/host/**', '**/renderer/**'], message: 'The preload exposes only the contract client.' },
    ],
  },
  'src/main/**': {
    paths: [],
    patterns: [{ group: ['**/renderer/**', '**/host/**'], message: 'Main wires the core to a window; it does not import other shells.' }],
  },
};

// Capabilities of the core (src/core/<name>/) reach one another only through
// the other's index.ts, so each folder's insides can change without the
// others noticing. A relative import that names a file inside another
// capability's folder is refused; `../card` (the index) is fine.
export const coreCapabilities = ['booth', 'card', 'config', 'face', 'logging', 'pictures', 'process', 'session', 'signoff', 'workers'];
const capabilityRules = coreCapabilities.map((own) => {
  const others = coreCapabilities.filter((name) => name !== own);
  const insides = others.flatMap((name) => ['../', '../../', '../../../', '../../../../'].map((up) => `${up}${name}/*`));
  return {
    files: [`src/core/${own}/**`],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          paths: [...layerRules['src/core/**'].paths, optionalNativeBan],
          patterns: [
            ...layerRules['src/core/**'].patterns,
            { group: insides, message: `Import another capability through its index.ts (e.g. '../card'), not a file inside it.` },
          ],
        },
      ],
    },
  };
});

export default tseslint.config(
  { ignores: ['out/**', 'dist/**', 'node_modules/**', 'test-results/**', 'bench/results/**', 'models/**', 'resources/**'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: {
      ecmaVersion: 2023,
      sourceType: 'module',
      globals: {
        console: 'readonly',
        process: 'readonly',
        URL: 'readonly',
        setTimeout: 'readonly',
        clearTimeout: 'readonly',
        Buffer: 'readonly',
      },
    },
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      '@typescript-eslint/no-empty-object-type': 'off',
      'no-restricted-syntax': ['error', namedExportsOnly],
      // Prettier (.prettierrc.json, checked by `npm run lint`) wraps code at this width but leaves comments and
      // long string literals alone; comments are held to it here, strings may run on (they are searched for whole).
      'max-len': ['error', { code: 140, ignoreStrings: true, ignoreTemplateLiterals: true, ignoreUrls: true, ignoreRegExpLiterals: true }],
    },
  },
  ...Object.entries(layerRules).map(([glob, rule]) => ({
    files: [glob],
    rules: {
      'no-restricted-imports': ['error', { paths: [...rule.paths, optionalNativeBan], patterns: rule.patterns }],
      'no-restricted-syntax': ['error', namedExportsOnly, ...(rule.patterns.includes(electronBan) ? dynamicElectron : [])],
    },
  })),
  ...capabilityRules,
  {
    files: ['src/renderer/**/*.tsx', 'src/console/**/*.tsx'],
    plugins: { react, 'react-hooks': reactHooks },
    settings: { react: { version: '19' } },
    rules: {
      ...reactHooks.configs.recommended.rules,
      // Every visible word comes from the message catalogues (i18n/).
      'react/jsx-no-literals': ['error', { noStrings: false, ignoreProps: true, allowedStrings: [] }],
      'react/jsx-key': 'error',
    },
  },
  {
    // Tests, benches and scripts are typechecked too: the same ban keeps the typecheck independent of the smartcard build.
    files: ['test/**', 'bench/**', 'scripts/**'],
    rules: { 'no-restricted-imports': ['error', { paths: [optionalNativeBan] }] },
  },
  {
    files: ['*.config.ts', '*.config.js', 'vite.host.config.ts', 'vite.console.config.ts'],
    rules: { 'no-restricted-syntax': 'off' },
  },
);

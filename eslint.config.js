import js from '@eslint/js';
import reactHooks from 'eslint-plugin-react-hooks';
import globals from 'globals';
import tseslint from 'typescript-eslint';

/** Dependencies point one way: server stands alone and its subsystems meet only through their index; react never imports ui; ui and devtools use only react's public entries. */
const layering = {
  'packages/server/**': [
    {
      group: [
        '@roomkit/react',
        '@roomkit/react/*',
        '@roomkit/ui',
        '@roomkit/ui/*',
        'react',
        'react-dom',
      ],
      message: '@roomkit/server shares nothing with the client packages.',
    },
    {
      group: ['**/auth/*', '**/changes/*', '**/db/*', '**/realtime/*', '**/rest/*'],
      message: 'A server subsystem is imported through its index: `../auth`, not `../auth/jwt`.',
    },
  ],
  'packages/react/**': [
    {
      group: ['@roomkit/ui', '@roomkit/ui/*'],
      message: '@roomkit/react must not depend on @roomkit/ui.',
    },
    {
      group: ['@roomkit/server', '@roomkit/server/*'],
      message: 'Only tests may use @roomkit/server.',
    },
  ],
  // The main entry (everything but `src/query.ts` and `src/query/`) never carries react-query.
  'packages/react/src/**': [
    {
      group: ['@tanstack/*', './query', './query/*', '../query', '../query/*'],
      message:
        'The main entry of @roomkit/react never imports react-query or the files of @roomkit/react/query.',
    },
  ],
  'packages/ui/**': [
    {
      group: ['@roomkit/react/*', '!@roomkit/react/query', '../../react/*', '../../react/**'],
      message:
        '@roomkit/ui imports only the public entries of @roomkit/react (the main one and /query).',
    },
    {
      group: ['@roomkit/server', '@roomkit/server/*'],
      message: 'Only tests may use @roomkit/server.',
    },
  ],
  'packages/devtools/**': [
    {
      group: [
        '@roomkit/react/*',
        '!@roomkit/react/query',
        '!@roomkit/react/devtools',
        '../../react/*',
        '../../react/**',
      ],
      message:
        '@roomkit/devtools imports only the public entries of @roomkit/react (the main one, /query and /devtools).',
    },
    {
      group: ['@roomkit/ui', '@roomkit/ui/*', '@roomkit/server', '@roomkit/server/*'],
      message:
        '@roomkit/devtools stands on @roomkit/react alone; only tests may use @roomkit/server.',
    },
  ],
};

export default tseslint.config(
  {
    ignores: [
      '**/dist/**',
      '**/storybook-static/**',
      '**/node_modules/**',
      '**/.roomkit/**',
      '**/coverage/**',
    ],
  },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  reactHooks.configs.flat.recommended,
  {
    files: ['**/*.{ts,tsx,js,mjs}'],
    languageOptions: { globals: { ...globals.browser, ...globals.node } },
    rules: {
      '@typescript-eslint/no-non-null-assertion': 'error',
      '@typescript-eslint/no-unused-vars': [
        'error',
        { argsIgnorePattern: '^_', varsIgnorePattern: '^_' },
      ],
    },
  },
  ...Object.keys(layering).map((glob) => ({
    files: [glob],
    ignores: [
      '**/__tests__/**',
      '**/*.test.*',
      '**/*.stories.*',
      ...(glob === 'packages/react/src/**'
        ? ['packages/react/src/query.ts', 'packages/react/src/query/**']
        : []),
    ],
    // A file under several globs gets every pattern that applies to it (a later rule replaces an earlier one).
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: Object.entries(layering).flatMap(([other, more]) =>
            glob.startsWith(other.replace('/**', '/')) ? more : [],
          ),
        },
      ],
    },
  })),
);

// Type-aware ESLint (typescript-eslint strict) over every TypeScript file of the workspace;
// formatting is Prettier's (eslint-config-prettier turns off the rules it owns).
import js from '@eslint/js';
import prettier from 'eslint-config-prettier';
import tseslint from 'typescript-eslint';

export default tseslint.config(
  {
    ignores: [
      '**/node_modules/**',
      'packages/*/lib/**',
      '**/dist/**',
      '.local/**',
      '.release/**',
      'fixtures/**',
      '**/generated/**',
      '**/*.cjs',
      '**/*.js',
      '**/*.mjs',
      '**/test/fixtures/**',
      'examples/**',
    ],
  },
  js.configs.recommended,
  ...tseslint.configs.strictTypeChecked,
  prettier,
  {
    languageOptions: {
      parserOptions: {
        project: ['packages/*/tsconfig.test.json', 'actions/*/tsconfig.test.json', 'test/tsconfig.json'],
        tsconfigRootDir: import.meta.dirname,
      },
    },
    rules: {
      '@typescript-eslint/consistent-type-imports': ['error', { fixStyle: 'inline-type-imports' }],
      '@typescript-eslint/no-unused-vars': [
        'error',
        { argsIgnorePattern: '^_', varsIgnorePattern: '^_', caughtErrors: 'none' },
      ],
      // Numbers and booleans read well in messages; objects and undefined do not.
      '@typescript-eslint/restrict-template-expressions': ['error', { allowNumber: true, allowBoolean: true }],
      // `return send(…)` ends a void handler early (the fake servers' dispatch reads as a table).
      '@typescript-eslint/no-confusing-void-expression': [
        'error',
        { ignoreArrowShorthand: true, ignoreVoidReturningFunctions: true },
      ],
      // noUncheckedIndexedAccess makes every indexed read optional; `!` marks reads whose bounds
      // the surrounding loop or length check already holds.
      '@typescript-eslint/no-non-null-assertion': 'off',
      // JSON documents are string-keyed maps: merge patches and the API doubles delete keys by name.
      '@typescript-eslint/no-dynamic-delete': 'off',
      // An async wrapper is how a synchronous function meets a Promise-returning interface (its
      // throws become rejections); no-floating-promises and no-misused-promises guard the awaits.
      '@typescript-eslint/require-await': 'off',
      // Passing on a caught value (typed unknown) unchanged creates no new non-Error rejection.
      '@typescript-eslint/prefer-promise-reject-errors': ['error', { allowThrowingUnknown: true }],
    },
  },
  {
    // The API doubles and the tests read fields of schemaless JSON documents as text on purpose.
    files: ['packages/testing/**', '**/test/**'],
    rules: { '@typescript-eslint/no-base-to-string': 'off' },
  },
  {
    // vitest types its asymmetric matchers (expect.stringContaining, expect.objectContaining …) as any.
    files: ['**/test/**'],
    rules: {
      '@typescript-eslint/no-unsafe-assignment': 'off',
      '@typescript-eslint/no-unsafe-argument': 'off',
    },
  },
);

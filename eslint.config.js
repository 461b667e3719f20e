// @ts-check
import js from '@eslint/js';
import tseslint from 'typescript-eslint';

export default tseslint.config(
  { ignores: ['dist/', 'node_modules/', 'coverage/'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    rules: {
      'no-throw-literal': 'error',
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      'no-restricted-syntax': [
        'error',
        {
          selector: "CallExpression[callee.object.name='process'][callee.property.name='exit']",
          message: 'Only src/cli/main.ts calls process.exit.',
        },
      ],
    },
  },
  {
    files: ['src/cli/main.ts', 'scripts/**/*.ts', 'bench/**/*.ts'],
    rules: { 'no-restricted-syntax': 'off' },
  },
  {
    // Only src/io/engine/ talks to the cluster: the clients' values are imported nowhere else.
    files: ['src/**/*.ts'],
    ignores: ['src/io/engine/**', 'src/core/**'],
    rules: {
      '@typescript-eslint/no-restricted-imports': [
        'error',
        {
          patterns: [
            { group: ['@elastic/elasticsearch', '@elastic/elasticsearch/*', '@opensearch-project/opensearch', '@opensearch-project/opensearch/*'], message: 'Only src/io/engine/ imports the clients.', allowTypeImports: true },
          ],
        },
      ],
    },
  },
  {
    files: ['src/core/**/*.ts'],
    rules: {
      // Type-only imports (the Elasticsearch client's estypes for request bodies) are allowed.
      '@typescript-eslint/no-restricted-imports': [
        'error',
        {
          patterns: [
            { group: ['@elastic/*', '@opensearch-project/*', '../io/*', '../cli/*', '../../io/*', '../../cli/*'], message: 'core/ is pure: no clients, no I/O.', allowTypeImports: true },
          ],
        },
      ],
    },
  },
);

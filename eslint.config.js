// Lint keeps the layers apart (see ARCHITECTURE.md): pure code may not do I/O.
import tseslint from 'typescript-eslint';

const ioModules = ['node:net', 'node:tls', 'node:fs', 'node:fs/promises', 'node:child_process', 'node:timers', 'node:timers/promises', 'node:dgram', 'node:http'];
const noIo = (extra = []) => ({
  'no-restricted-imports': ['error', {
    paths: [...ioModules, 'pino', 'fastify', 'prom-client'].map((name) => ({ name, message: 'pure layer: no I/O, timers or logger here' })),
    patterns: [{ group: ['**/session/**', '**/daemon/**', '**/api/**', '**/log', '**/log.js', ...extra], message: 'pure layer may not import a driver layer' }],
  }],
  'no-restricted-globals': ['error',
    { name: 'setTimeout', message: 'timers are actions; the driver owns them' },
    { name: 'setInterval', message: 'timers are actions; the driver owns them' },
    { name: 'Date', message: 'time is passed in by the driver' }],
});

export default tseslint.config(
  { ignores: ['dist/**', 'node_modules/**', 'var/**', 'bin/**'] },
  ...tseslint.configs.recommended,
  {
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      '@typescript-eslint/consistent-type-imports': 'error',
    },
  },
  { files: ['src/bgp/wire/**/*.ts', 'src/bgp/fsm/**/*.ts'], rules: noIo(['**/evpn/**', '**/vtep/**']) },
  { files: ['src/evpn/**/*.ts'], rules: noIo(['**/vtep/**']) },
  { files: ['src/vtep/reconcile/**/*.ts', 'src/vtep/ovsdb/codec/**/*.ts'], rules: noIo(['**/evpn/rib/**']) },
);

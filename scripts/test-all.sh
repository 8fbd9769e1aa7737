#!/usr/bin/env bash
# Installs what is needed, then runs every test: typecheck, lint, unit tests and the
# conformance suites against real FRR bgpd, gobgpd and ovsdb-server on loopback.
set -euo pipefail
cd "$(dirname "$0")/.."
./scripts/install-deps.sh
npm run --silent typecheck
npm run --silent lint
mkdir -p .tmp
set +e
npx vitest run --reporter=default --reporter=json --outputFile.json=.tmp/vitest.json "$@"
rc=$?
set -e
# one plain closing line, whatever the reporter printed above
node -e '
  const r = JSON.parse(require("fs").readFileSync(".tmp/vitest.json", "utf8"));
  const skipped = r.numPendingTests + r.numTodoTests;
  console.log(`tests: ${r.numPassedTests} passed, ${r.numFailedTests} failed, ${skipped} skipped`);
' || true
exit $rc

#!/usr/bin/env node
// l2bgwd: the daemon. Runs the compiled entry point (npm run build first).
import '../dist/src/daemon/main.js';

#!/usr/bin/env node
// l2bgw: the REST API client. Runs the compiled CLI (npm run build first).
import { runCli } from '../dist/src/api/cli.js';

process.exitCode = await runCli(process.argv.slice(2));

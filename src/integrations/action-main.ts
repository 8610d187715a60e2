/**
 * Entry point of the GitHub Action: action.yml runs its bundle (action/main.mjs, built from here
 * by scripts/bundle.mjs), and failures are reported the way actions report them (an ::error:: line
 * and exit code 1).
 */
import * as core from '@actions/core';
import { runAction } from './action.js';

runAction().catch((e: unknown) => {
  core.setFailed(`grantlint: ${e instanceof Error ? e.message : String(e)}`);
  if (process.env.GRANTLINT_DEBUG && e instanceof Error) console.error(e.stack);
});

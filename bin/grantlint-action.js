#!/usr/bin/env node
// Entry point of the GitHub Action (action.yml): loads the built action and reports failures the
// way actions do (an ::error:: line and exit code 1).
import * as core from '@actions/core';
import { runAction } from '../dist/src/integrations/action.js';

runAction().catch((e) => {
  core.setFailed(`grantlint: ${e instanceof Error ? e.message : String(e)}`);
  if (process.env.GRANTLINT_DEBUG && e instanceof Error) console.error(e.stack);
});

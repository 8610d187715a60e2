import { checkstyle } from './checkstyle.js';
import { compact } from './compact.js';
import { github } from './github.js';
import { json } from './json.js';
import { junit } from './junit.js';
import { sarif } from './sarif.js';
import { stylish } from './stylish.js';
import type { Formatter } from './types.js';

/** Output formats by name. */
export const FORMATTERS: Record<string, Formatter> = {
  stylish,
  json,
  sarif,
  github,
  compact,
  junit,
  checkstyle,
};

import type { LintProgress } from '../engine/lint.js';

/** Runs over fewer files than this finish before a progress line would help. */
export const PROGRESS_MIN_FILES = 50;

/**
 * A one-line progress indicator on stderr, for people at a terminal: files discovered, then each
 * front end as it starts. The CLI only makes one for the stylish format on a TTY; the line is
 * erased when the run ends, so the findings print on a clean terminal.
 */
export function progressReporter(write: (text: string) => void, minFiles = PROGRESS_MIN_FILES): { onProgress: (e: LintProgress) => void; done: () => void } {
  let files = 0;
  let shown = false;
  const show = (text: string): void => {
    write(`\r\u001b[2K${text}`);
    shown = true;
  };
  return {
    onProgress(e) {
      if (e.stage === 'discovered') {
        files = e.files;
        if (files > minFiles) show(`grantlint: ${files} files found`);
      } else if (files > minFiles) {
        if (e.stage === 'front-end') show(`grantlint: ${files} files found; reading (batch ${e.done}/${e.total})`);
        else show(`grantlint: ${files} files read; running rules`);
      }
    },
    done() {
      if (shown) write('\r\u001b[2K');
      shown = false;
    },
  };
}

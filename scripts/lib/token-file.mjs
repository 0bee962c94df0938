import { readFileSync } from 'node:fs';

/**
 * The token in `file` (`--token FILE` of `npm run ask` and `npm run chat`), trimmed; undefined
 * without a file. An unreadable file ends the script with one line and exit code 2.
 */
export function readTokenFile(file) {
  if (!file) return undefined;
  try {
    return readFileSync(file, 'utf8').trim();
  } catch (err) {
    process.stderr.write(`cannot read the token file ${file} (${err.code ?? err.message})\n`);
    process.exit(2);
  }
}

import { chmod, writeFile } from 'node:fs/promises';

/** Writes a secret file readable by its owner only (also when it existed with a wider mode). */
export async function writePrivate(file: string, text: string): Promise<void> {
  await writeFile(file, text, { mode: 0o600 });
  await chmod(file, 0o600);
}

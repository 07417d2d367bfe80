import type { Config } from '../config.js';

/** Plays a banking integration end to end (contract §1). */
export async function simulate(_config: Config, _args: string[]): Promise<number> {
  console.error('simulate is not implemented yet');
  return 1;
}

import { normalizeStatementText } from '../categorizers/rules.categorizer.js';

let lastInput: string | undefined;
let lastOutput = '';

/**
 * `normalizeStatementText`, remembering the last line: the merchant key and the model's features
 * read the same line one after the other, and normalising it is most of the learned layer's cost.
 */
export function statementText(text: string): string {
  if (text !== lastInput) {
    lastOutput = normalizeStatementText(text);
    lastInput = text;
  }
  return lastOutput;
}

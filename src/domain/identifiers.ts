/**
 * The ids a client chooses (contract §4): an account's, a transaction's, a request's; and the name
 * an operator gives an integration. One character set for all, each with its own length.
 */
export const IDENTIFIER_PATTERN = '^[A-Za-z0-9._:-]+$';
/** What IDENTIFIER_PATTERN allows, in words, for answers and usage lines. */
export const IDENTIFIER_CHARACTERS = 'A-Z a-z 0-9 . _ : -';
export const ACCOUNT_ID_MAX_LENGTH = 64;
export const TRANSACTION_ID_MAX_LENGTH = 128;

const IDENTIFIER = new RegExp(IDENTIFIER_PATTERN);

/** Whether `value` is an id of IDENTIFIER_PATTERN of 1 to `maxLength` characters. */
export function isIdentifier(value: string, maxLength: number): boolean {
  return value.length >= 1 && value.length <= maxLength && IDENTIFIER.test(value);
}

export const isAccountId = (value: string): boolean => isIdentifier(value, ACCOUNT_ID_MAX_LENGTH);
/** An integration's name, as an operator gives it to `lucro keys create`. */
export const INTEGRATION_NAME_MAX_LENGTH = 64;
export const isIntegrationName = (value: string): boolean => isIdentifier(value, INTEGRATION_NAME_MAX_LENGTH);
export const isTransactionId = (value: string): boolean => isIdentifier(value, TRANSACTION_ID_MAX_LENGTH);

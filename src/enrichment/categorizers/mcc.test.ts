import { describe, expect, it } from 'vitest';
import { categoryOfMcc } from './mcc.js';

describe('merchant category codes', () => {
  it.each([
    ['5411', 'FOOD_AND_DRINK'],
    ['5812', 'FOOD_AND_DRINK'],
    ['5541', 'TRANSPORTATION'],
    ['4121', 'TRANSPORTATION'],
    ['7523', 'TRANSPORTATION'],
    ['3058', 'TRAVEL'],
    ['3501', 'TRAVEL'],
    ['7011', 'TRAVEL'],
    ['5912', 'MEDICAL'],
    ['8021', 'MEDICAL'],
    ['0742', 'MEDICAL'],
    ['5251', 'HOME_IMPROVEMENT'],
    ['5712', 'HOME_IMPROVEMENT'],
    ['5311', 'GENERAL_MERCHANDISE'],
    ['5651', 'GENERAL_MERCHANDISE'],
    ['4814', 'RENT_AND_UTILITIES'],
    ['4900', 'RENT_AND_UTILITIES'],
    ['7230', 'PERSONAL_CARE'],
    ['7997', 'PERSONAL_CARE'],
    ['7832', 'ENTERTAINMENT'],
    ['5816', 'ENTERTAINMENT'],
    ['6300', 'GENERAL_SERVICES'],
    ['8220', 'GENERAL_SERVICES'],
    ['7538', 'GENERAL_SERVICES'],
    ['9311', 'GOVERNMENT_AND_NON_PROFIT'],
    ['8398', 'GOVERNMENT_AND_NON_PROFIT'],
    ['6011', 'TRANSFER_OUT'],
  ] as const)('when the code is %s, then the category is %s', (mcc, category) => {
    expect(categoryOfMcc(mcc)).toBe(category);
  });

  it.each(['4899', '5533', '6051', '7299', '9999', '0001', '12345', 'abcd', '', null, undefined])('when the code is %j (mixed, unknown or malformed), then it decides nothing', (mcc) => {
    expect(categoryOfMcc(mcc)).toBeUndefined();
  });
});

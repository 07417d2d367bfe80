/**
 * The 16 primary categories of Plaid's Personal Finance Category taxonomy (v1),
 * plus UNCATEGORIZED for a categorizer that has no answer (contract §7).
 */
export const CATEGORIES = {
  INCOME: 'Wages, salary, interest, dividends, tax refunds and other money earned',
  TRANSFER_IN: 'Money moved into the account from another account, deposits and cash in',
  TRANSFER_OUT: 'Money moved out to another account, savings, investments or another person',
  LOAN_PAYMENTS: 'Repayments of credit cards, mortgages, car, student and personal loans',
  BANK_FEES: 'ATM, overdraft, foreign transaction, interest charges and other bank fees',
  ENTERTAINMENT: 'Events, music, streaming, games, sports and other leisure',
  FOOD_AND_DRINK: 'Groceries, restaurants, coffee, fast food, bars and food delivery',
  GENERAL_MERCHANDISE: 'Shops and marketplaces: clothing, electronics, department stores, online retail',
  HOME_IMPROVEMENT: 'Furniture, hardware, repairs and maintenance of a home',
  MEDICAL: 'Doctors, dentists, pharmacies, clinics and other health care',
  PERSONAL_CARE: 'Gyms, hair and beauty, laundry and other personal care',
  GENERAL_SERVICES: 'Insurance, telecoms, education, postage, accounting and other services',
  GOVERNMENT_AND_NON_PROFIT: 'Taxes, government fees and donations',
  TRANSPORTATION: 'Fuel, public transit, taxis and ride-hailing, parking and tolls',
  TRAVEL: 'Flights, hotels, car rental and other travel',
  RENT_AND_UTILITIES: 'Rent, electricity, gas, water, internet and phone bills',
  UNCATEGORIZED: 'The categorizer had no answer',
} as const;

export type Category = keyof typeof CATEGORIES;

export const CATEGORY_NAMES = Object.keys(CATEGORIES) as Category[];

export function isCategory(value: string): value is Category {
  return Object.hasOwn(CATEGORIES, value);
}

/**
 * The one direction money moves in a category, where the category says it (Plaid files inflows as
 * INCOME or TRANSFER_IN, and loan repayments and money sent away as outflows); undefined for the
 * categories a refund can reverse.
 */
export function directionOfCategory(category: Category): 'credit' | 'debit' | undefined {
  switch (category) {
    case 'INCOME':
    case 'TRANSFER_IN':
      return 'credit';
    case 'TRANSFER_OUT':
    case 'LOAN_PAYMENTS':
      return 'debit';
    default:
      return undefined;
  }
}

/**
 * Which countries' brands an account can meet, from the currency it is kept in: a rand account
 * shops at South African chains, a euro account at the chains of the euro area. Brands the index
 * lists worldwide (`001`) match in every market.
 */
const EURO_AREA = 'at be cy de ee es fi fr gr hr ie it lt lu lv mt nl pt si sk';

const COUNTRIES_BY_CURRENCY: Record<string, string> = {
  ZAR: 'za',
  GBP: 'gb',
  EUR: EURO_AREA,
  USD: 'us pr',
  CAD: 'ca',
  AUD: 'au',
  NZD: 'nz',
  INR: 'in',
  CHF: 'ch li',
  SEK: 'se',
  NOK: 'no',
  DKK: 'dk',
  PLN: 'pl',
  CZK: 'cz',
  HUF: 'hu',
  RON: 'ro',
  BGN: 'bg',
  JPY: 'jp',
  SGD: 'sg',
  HKD: 'hk',
  MXN: 'mx',
  BRL: 'br',
  NAD: 'na za',
  BWP: 'bw za',
  KES: 'ke',
  NGN: 'ng',
  AED: 'ae',
};

/** The index's region codes (UN M49) that stand for many countries, as the countries they cover that we have markets for. */
const REGIONS: Record<string, string> = {
  '001': '*',
  '150': `${EURO_AREA} gb ch li se no dk pl cz hu ro bg`,
  '155': 'de fr nl be lu at ch li',
  '039': 'it es pt gr mt si hr cy',
  '154': 'gb ie se no dk fi ee lv lt',
  '002': 'za na bw ke ng',
  '202': 'za na bw ke ng',
  '018': 'za na bw',
  '019': 'us ca mx br',
  '021': 'us ca',
  '419': 'mx br',
  '009': 'au nz',
  '053': 'au nz',
  '142': 'in jp sg hk ae',
  '034': 'in',
};

/** The countries of a market, or an empty list when the currency is one we know no brands for. */
export function countriesOfCurrency(currency: string): readonly string[] {
  return (COUNTRIES_BY_CURRENCY[currency.trim().toUpperCase()] ?? '').split(' ').filter(Boolean);
}

/**
 * A name-suggestion-index location (`za`, `gb-eng`, `us-tx.geojson`, `fx`, `150`) as country codes,
 * `*` for the whole world; locations given as coordinates (a city's surroundings) as none.
 */
export function countriesOfLocation(location: unknown): readonly string[] {
  if (typeof location !== 'string') return [];
  const region = REGIONS[location];
  if (region !== undefined) return region.split(' ');
  const country = /^([a-z]{2})(?:$|-)/.exec(location.toLowerCase())?.[1];
  if (country === undefined) return [];
  return [country === 'fx' ? 'fr' : country];
}

import type { RuleCategory } from './rules.data.js';

/**
 * ISO 18245 merchant category codes, as ranges, to our categories (following Plaid). Codes whose
 * merchants people file in different places are left out, so they decide nothing: 4899 (cable TV
 * and streaming alike), 5511/5521 (car dealers), 5531/5533 (auto stores and parts), 6012 and 6051
 * (bank-sold goods and quasi-cash), 7299 (miscellaneous personal services).
 */
const RANGES: readonly (readonly [number, number, RuleCategory])[] = [
  [742, 742, 'MEDICAL'], // veterinary services
  [1520, 1799, 'HOME_IMPROVEMENT'], // contractors: building, HVAC, electrical, roofing
  [3000, 3350, 'TRAVEL'], // airlines
  [3351, 3500, 'TRAVEL'], // car rental
  [3501, 3999, 'TRAVEL'], // hotels and resorts
  [4011, 4011, 'TRANSPORTATION'], // railroads
  [4111, 4131, 'TRANSPORTATION'], // commuter transport, passenger rail, taxis, bus lines
  [4214, 4215, 'GENERAL_SERVICES'], // couriers
  [4225, 4225, 'GENERAL_SERVICES'], // storage
  [4411, 4411, 'TRAVEL'], // cruise lines
  [4468, 4468, 'TRANSPORTATION'], // marinas
  [4511, 4582, 'TRAVEL'], // airlines, airports
  [4722, 4723, 'TRAVEL'], // travel agencies and tour operators
  [4784, 4784, 'TRANSPORTATION'], // tolls and bridge fees
  [4789, 4789, 'TRANSPORTATION'], // transportation services
  [4812, 4812, 'GENERAL_MERCHANDISE'], // telephone equipment
  [4813, 4816, 'RENT_AND_UTILITIES'], // telecommunication and network services
  [4821, 4821, 'RENT_AND_UTILITIES'], // telegraph services
  [4829, 4829, 'TRANSFER_OUT'], // money transfer
  [4900, 4900, 'RENT_AND_UTILITIES'], // electricity, gas, water, sanitary
  [5039, 5039, 'HOME_IMPROVEMENT'], // construction materials
  [5044, 5045, 'GENERAL_MERCHANDISE'], // office and computer equipment
  [5047, 5047, 'MEDICAL'], // medical and dental equipment
  [5072, 5074, 'HOME_IMPROVEMENT'], // hardware, plumbing and heating supplies
  [5111, 5111, 'GENERAL_MERCHANDISE'], // stationery
  [5122, 5122, 'MEDICAL'], // drugs
  [5131, 5139, 'GENERAL_MERCHANDISE'], // piece goods, uniforms, shoes
  [5172, 5172, 'TRANSPORTATION'], // petroleum products
  [5192, 5193, 'GENERAL_MERCHANDISE'], // books, florists' supplies
  [5198, 5198, 'HOME_IMPROVEMENT'], // paints
  [5200, 5261, 'HOME_IMPROVEMENT'], // home supply, lumber, glass and paint, hardware, garden
  [5300, 5399, 'GENERAL_MERCHANDISE'], // wholesale clubs, discount, department and variety stores
  [5411, 5499, 'FOOD_AND_DRINK'], // groceries, butchers, bakeries, convenience food
  [5532, 5532, 'GENERAL_SERVICES'], // tyres
  [5541, 5542, 'TRANSPORTATION'], // service stations, fuel dispensers
  [5552, 5552, 'TRANSPORTATION'], // electric vehicle charging
  [5611, 5699, 'GENERAL_MERCHANDISE'], // clothing and shoes
  [5712, 5719, 'HOME_IMPROVEMENT'], // furniture and home furnishings
  [5722, 5735, 'GENERAL_MERCHANDISE'], // appliances, electronics, music, software
  [5811, 5814, 'FOOD_AND_DRINK'], // caterers, restaurants, bars, fast food
  [5815, 5818, 'ENTERTAINMENT'], // digital goods: media, games, applications
  [5912, 5912, 'MEDICAL'], // drug stores and pharmacies
  [5921, 5921, 'FOOD_AND_DRINK'], // liquor stores
  [5931, 5950, 'GENERAL_MERCHANDISE'], // second-hand, books, stationery, jewellery, toys, gifts, luggage
  [5960, 5969, 'GENERAL_MERCHANDISE'], // direct marketing
  [5970, 5973, 'GENERAL_MERCHANDISE'], // art and craft supplies
  [5975, 5976, 'MEDICAL'], // hearing aids, orthopaedic goods
  [5977, 5977, 'PERSONAL_CARE'], // cosmetics
  [5978, 5978, 'GENERAL_MERCHANDISE'], // typewriters
  [5983, 5983, 'RENT_AND_UTILITIES'], // fuel dealers: heating oil, wood, coal
  [5992, 5999, 'GENERAL_MERCHANDISE'], // florists, tobacco, newsstands, pets, miscellaneous retail
  [6010, 6011, 'TRANSFER_OUT'], // cash disbursements, ATMs
  [6300, 6399, 'GENERAL_SERVICES'], // insurance
  [6513, 6513, 'RENT_AND_UTILITIES'], // real estate agents and rentals
  [7011, 7033, 'TRAVEL'], // lodging, timeshares, camps, campgrounds
  [7210, 7217, 'PERSONAL_CARE'], // laundry and dry cleaning
  [7221, 7221, 'GENERAL_SERVICES'], // photographic studios
  [7230, 7230, 'PERSONAL_CARE'], // beauty and barber shops
  [7251, 7261, 'GENERAL_SERVICES'], // shoe repair, funeral services
  [7276, 7276, 'GENERAL_SERVICES'], // tax preparation
  [7295, 7295, 'GENERAL_SERVICES'], // babysitting
  [7297, 7298, 'PERSONAL_CARE'], // massage parlours, health and beauty spas
  [7311, 7399, 'GENERAL_SERVICES'], // business services
  [7512, 7519, 'TRAVEL'], // car, truck and motor-home rental
  [7523, 7523, 'TRANSPORTATION'], // parking
  [7531, 7549, 'GENERAL_SERVICES'], // car repair, body shops, car washes, towing
  [7829, 7841, 'ENTERTAINMENT'], // film distribution, cinemas, video rental
  [7911, 7996, 'ENTERTAINMENT'], // dance halls, theatre tickets, bowling, sports clubs, golf, arcades, gambling, amusement parks
  [7997, 7997, 'PERSONAL_CARE'], // membership clubs: gyms, sports and country clubs
  [7998, 7999, 'ENTERTAINMENT'], // aquariums, recreation services
  [8011, 8099, 'MEDICAL'], // doctors, dentists, opticians, hospitals, laboratories
  [8111, 8111, 'GENERAL_SERVICES'], // legal services
  [8211, 8299, 'GENERAL_SERVICES'], // schools, colleges, education
  [8351, 8351, 'GENERAL_SERVICES'], // child care
  [8398, 8398, 'GOVERNMENT_AND_NON_PROFIT'], // charities
  [8641, 8661, 'GOVERNMENT_AND_NON_PROFIT'], // civic, political and religious organisations
  [8911, 8999, 'GENERAL_SERVICES'], // professional services: engineering, accounting
  [9211, 9399, 'GOVERNMENT_AND_NON_PROFIT'], // courts, fines, bail, taxes, government services
  [9402, 9402, 'GENERAL_SERVICES'], // postal services
];

/** The category a merchant category code stands for, or undefined for a code that is unknown, malformed or left out above. */
export function categoryOfMcc(mcc: string | null | undefined): RuleCategory | undefined {
  if (mcc === null || mcc === undefined || !/^\s*\d{3,4}\s*$/.test(mcc)) return undefined;
  const code = Number(mcc);
  for (const [from, to, category] of RANGES) {
    if (code < from) return undefined;
    if (code <= to) return category;
  }
  return undefined;
}

import { PRIORITY, type CategoryRule } from './rules.data.js';

/**
 * What the layered categorizer adds to the rules (the rules categorizer keeps the original set, for
 * comparison): bank wording of more markets, and brands people pay by debit order, app or card
 * that the brand index (physical shops and amenities) does not hold: insurers, medical schemes,
 * lenders, telecoms, pay-TV, delivery apps, online shops, airlines, municipalities. Written from
 * general knowledge of each market's banks and consumer brands, grouped by market then category;
 * never from the rows of a measuring set.
 */
export const MARKET_RULES: readonly CategoryRule[] = [
  // ───────────────────────────── Bank wording of more markets ─────────────────────────────
  {
    id: 'bank-fee-markets',
    category: 'BANK_FEES',
    priority: PRIORITY.bankFeePhrase,
    description: [
      'ITEM UNPAID',
      'NO FUNDS',
      'ATM OPERATOR (?:FEE|CHARGE)S?',
      'COTISATION (?:CARTE|CB|OFFRE|FORFAIT|PACKAGE)\\w*',
      'FRAIS (?:BANCAIRES|DE TENUE DE COMPTE|TENUE DE COMPTE|CARTE|DE CARTE)',
      'KONTOGEBU?E?HR\\w*',
      'KOSTEN (?:REKENING|BETAALREKENING|BANKPAKKET)',
      'BANKKOSTEN',
      'COMISION(?:ES)? (?:MANTENIMIENTO|TARJETA|ADMINISTRACION)',
      'COMISSAO (?:DE )?(?:MANUTENCAO|CONTA|CARTAO)',
      'SPESE (?:TENUTA CONTO|BANCARIE|CARTA)',
      'CANONE (?:CONTO|CARTA)',
    ],
  },
  { id: 'interest-on-debit-balance', category: 'BANK_FEES', priority: PRIORITY.incomeOrUtilityBrand, sign: 'debit', description: ['INT(?:EREST)? ON DEBIT BAL\\w*'] },
  { id: 'interest-on-credit-balance', category: 'INCOME', priority: PRIORITY.incomeOrUtilityBrand, sign: 'credit', description: ['INT(?:EREST)? ON CREDIT BAL\\w*'] },
  // UK faster payments: the words after FPI/FPO are the payer's own reference (DINNER), not a merchant.
  { id: 'faster-payment-in', category: 'TRANSFER_IN', priority: PRIORITY.transferPhrase, sign: 'credit', description: ['FPI'] },
  { id: 'faster-payment-out', category: 'TRANSFER_OUT', priority: PRIORITY.transferPhrase, sign: 'debit', description: ['FPO'] },
  {
    id: 'app-payment-za',
    category: 'TRANSFER_OUT',
    priority: PRIORITY.paymentMechanism,
    sign: 'debit',
    // South African banking-app and real-time payments to a beneficiary; a brand or keyword after them decides first.
    description: ['APP PAYMENT', 'BANKING APP PAYMENT', 'RTC (?:EXPRESS )?PMT', 'IMMEDIATE PAYMENT', 'CASH ?SEND', 'E ?WALLET', 'INSTANT MONEY', 'PAYSHAP'],
  },
  {
    id: 'credit-za',
    category: 'TRANSFER_IN',
    priority: PRIORITY.paymentMechanism,
    sign: 'credit',
    // South African electronic credits from another account; salary or interest words decide first.
    description: ['MAGTAPE CREDIT', 'REALTIME CREDIT', 'ACB CREDIT', 'EFT CREDIT', 'IMMEDIATE CREDIT', 'INWARD EFT', 'DIGITAL TRANSF(?:ER)? CR'],
  },
  // Terminals cut Apple's billing descriptor at a fixed width: APPLE.COM/BIL, APPLE.COM/BI.
  { id: 'app-store-billing', category: 'ENTERTAINMENT', priority: PRIORITY.compoundBrand, merchant: ['APPLE COM BI\\w*'] },
  // ───────────────────────────── South Africa ─────────────────────────────
  {
    id: 'insurer-za',
    category: 'GENERAL_SERVICES',
    priority: PRIORITY.brand,
    merchant: [
      'OUTSURANCE', 'SANLAM', 'OLD MUTUAL(?! FINANCE)', 'MOMENTUM', 'HOLLARD', 'MIWAY', 'KING PRICE', 'SANTAM', 'DIAL DIRECT',
      'CLIENTELE', '1ST FOR WOMEN', 'BUDGET INSURANCE', 'AUTO (?:&|AND) GENERAL', 'LIBERTY LIFE', 'METROPOLITAN', 'ASSUPOL', 'PPS',
      'AVBOB', 'DISCOVERY(?: HEALTH| INSURE| LIFE| VITALITY)?', 'BONITAS', 'BESTMED', 'MEDSHIELD', 'FEDHEALTH', 'GEMS MEDICAL',
      'MOMENTUM HEALTH', 'BRYTE', 'INFINITI INSURANCE', 'VIRSEKER', 'NAKED INSURANCE', 'PRIME MEDITAXI',
    ],
  },
  {
    id: 'lender-za',
    category: 'LOAN_PAYMENTS',
    priority: PRIORITY.issuerBrand,
    sign: 'debit',
    merchant: ['CAPFIN', 'WONGA', 'RCS', 'MOBICRED', 'PAYJUSTNOW', 'OLD MUTUAL FINANCE', 'DIRECTAXIS', 'FINCHOICE', 'LENDPLUS', 'WESBANK', 'MFC', 'BAYPORT', 'AFRICAN BANK'],
  },
  {
    id: 'telecom-za',
    category: 'RENT_AND_UTILITIES',
    priority: PRIORITY.incomeOrUtilityBrand,
    merchant: ['VODACOM', 'MTN', 'CELL ?C', 'TELKOM(?: ?MOBI\\w*)?', 'RAIN (?:MOBILE|DATA|NETWORKS)', 'AFRIHOST', 'WEBAFRICA', 'COOL IDEAS', 'VUMATEL', 'OPENSERVE', 'FROGFOOT', 'MWEB', 'AXXESS', 'HEROTEL'],
  },
  {
    id: 'utility-za',
    category: 'RENT_AND_UTILITIES',
    priority: PRIORITY.brand,
    merchant: ['ESKOM', 'CITY POWER', 'CITY OF (?:JOHANNESBURG|JHB|CAPE TOWN|TSHWANE|EKURHULENI)', 'COJ', 'ETHEKWINI', 'NELSON MANDELA BAY', 'MANGAUNG', 'BUFFALO CITY', 'JOHANNESBURG WATER', 'PREPAID ELEC\\w*'],
  },
  {
    id: 'entertainment-za',
    category: 'ENTERTAINMENT',
    priority: PRIORITY.brand,
    merchant: ['SHOWMAX', 'DSTV', 'MULTICHOICE', 'COMPUTICKET', 'TICKETPRO', 'QUICKET', 'HOWLER', 'STER ?KINEKOR', 'NU METRO', 'HOLLYWOODBETS', 'BETWAY', 'SUPABETS', 'SUNBET', 'LOTTOSTAR', 'ITHUBA', 'GBETS', 'PLAYABETS'],
  },
  {
    id: 'food-za',
    category: 'FOOD_AND_DRINK',
    priority: PRIORITY.brand,
    merchant: [
      // PnP is Pick n Pay's own short name (pnp.co.za), which its tills print.
      'PNP', 'MR D(?: FOOD)?', 'PNP ?ASAP', 'PICK N PAY ASAP', 'CHECKERS SIXTY ?60', 'SIXTY60', 'WOOLIES DASH', 'WOOLWORTHS FOOD', 'COL ?CACCHIO',
      'BOOTLEGGER', 'TASHAS', 'WAKABERRY', 'BARCELOS', 'MUGG (?:&|AND) BEAN', 'CAMBRIDGE FOOD', 'NORMAN GOODFELLOWS', 'TOPS AT SPAR',
      'SPAR TOPS', 'LIQUOR CITY', 'SHOPRITE LIQUORSHOP', 'CHECKERS LIQUORSHOP', 'PICK N PAY LIQUOR', 'PNP LIQUOR', 'STEERS', 'WIMPY',
      'DEBONAIRS', 'FISHAWAYS', 'CHICKEN LICKEN', 'GALITOS', 'ROMANS PIZZA', 'PANAROTTIS', 'OCEAN BASKET', 'ROCOMAMAS', 'JOHN DORYS',
      'VIDA E CAFF\\w*', 'SEATTLE COFFEE', 'KAUAI', 'SIMPLY ASIA', 'HUNGRY LION', 'FRIENDLY CHEF', 'SPUR STEAK RANCH\\w*',
    ],
  },
  {
    id: 'shop-za',
    category: 'GENERAL_MERCHANDISE',
    priority: PRIORITY.brand,
    merchant: ['TAKEALOT', 'INCREDIBLE CONNECTION', 'HI ?FI CORP', 'MAKRO', 'WESTPACK', 'LOOT CO ZA', 'SUPERBALIST', 'YUPPIECHEF', 'TEMU', 'SHEIN', 'BIDORBUY', 'BOB SHOP'],
  },
  {
    id: 'home-za',
    category: 'HOME_IMPROVEMENT',
    priority: PRIORITY.brand,
    merchant: ['BUILDERS (?:WAREHOUSE|EXPRESS|SUPERSTORE|TRADE DEPOT)', 'CASHBUILD', 'CHAMBERLAINS', 'PENNYPINCHERS', 'BUCO', 'MICA', 'WETHERLYS', 'CORICRAFT', 'ISLAND LIVING', 'BLUE LINE'],
  },
  {
    id: 'gym-za',
    category: 'PERSONAL_CARE',
    priority: PRIORITY.brand,
    merchant: ['VIRGIN ACTIVE', 'PLANET FITNESS', 'ZONE FITNESS', 'SWITCH PLAYGROUND', 'SORBET'],
  },
  {
    id: 'transport-za',
    category: 'TRANSPORTATION',
    priority: PRIORITY.brand,
    merchant: ['GAUTRAIN', 'SANRAL', 'E ?TOLL', 'INTERCAPE', 'MY ?CITI', 'REA VAYA', 'ASTRON ENERGY', 'ASTRON', 'BOLT(?: EU| RIDE)?', 'TOTALENERGIES'],
  },
  {
    id: 'travel-za',
    category: 'TRAVEL',
    priority: PRIORITY.brand,
    merchant: ['FLYSAFAIR', 'KULULA', 'AIRLINK', 'LIFT AIRLINE', 'SAA', 'SOUTH AFRICAN AIRWAYS', 'MANGO AIRLINES', 'CITY LODGE', 'PROTEA HOTEL\\w*', 'TSOGO SUN', 'SANPARKS', 'TRAVELSTART', 'FLIGHT CENTRE'],
  },
  {
    id: 'government-za',
    category: 'GOVERNMENT_AND_NON_PROFIT',
    priority: PRIORITY.brand,
    sign: 'debit',
    merchant: ['SARS', 'SA REVENUE SERVICE', 'DEPT OF HOME AFFAIRS', 'HOME AFFAIRS', 'NATIS', 'RTMC', 'AARTO', 'GIFT OF THE GIVERS', 'SPCA'],
  },
  // ───────────────────────────── India ─────────────────────────────
  {
    id: 'food-in',
    category: 'FOOD_AND_DRINK',
    priority: PRIORITY.brand,
    merchant: ['SWIGGY', 'ZOMATO', 'BIGBASKET', 'BIG BASKET', 'BLINKIT', 'ZEPTO', 'DMART', 'AVENUE SUPERMARTS', 'BIG BAZAAR', 'RELIANCE (?:SMART|FRESH|RETAIL)', 'MORE RETAIL', 'SPENCERS RETAIL', 'NATURES BASKET'],
  },
  {
    id: 'shop-in',
    category: 'GENERAL_MERCHANDISE',
    priority: PRIORITY.brand,
    merchant: ['FLIPKART', 'MYNTRA', 'AJIO', 'NYKAA', 'MEESHO', 'AMAZON PAY INDIA', 'AMAZON SELLER SERVICES', 'TATA CLIQ', 'CROMA', 'RELIANCE DIGITAL', 'LIFESTYLE INTERNATIONAL', 'SHOPPERS STOP', 'PANTALOONS', 'WESTSIDE'],
  },
  {
    id: 'telecom-in',
    category: 'RENT_AND_UTILITIES',
    priority: PRIORITY.incomeOrUtilityBrand,
    merchant: ['AIRTEL', 'BHARTI AIRTEL', 'JIO', 'RELIANCE JIO', 'VODAFONE IDEA', 'VI PREPAID', 'BSNL', 'TATA PLAY', 'BESCOM', 'TATA POWER', 'ADANI ELECTRICITY', 'MSEDCL', 'BSES'],
  },
  {
    id: 'travel-in',
    category: 'TRAVEL',
    priority: PRIORITY.brand,
    merchant: ['MAKEMYTRIP', 'GOIBIBO', 'CLEARTRIP', 'YATRA', 'OYO', 'INDIGO (?:AIRLINES|AIR)', 'INTERGLOBE AVIATION', 'SPICEJET', 'AKASA AIR', 'VISTARA'],
  },
  {
    id: 'transport-in',
    category: 'TRANSPORTATION',
    priority: PRIORITY.brand,
    merchant: ['IRCTC', 'OLA CABS', 'ANI TECHNOLOGIES', 'RAPIDO', 'FASTAG', 'INDIAN OIL', 'IOCL', 'BHARAT PETROLEUM', 'BPCL', 'HINDUSTAN PETROLEUM', 'HPCL'],
  },
  {
    id: 'insurer-in',
    category: 'GENERAL_SERVICES',
    priority: PRIORITY.brand,
    merchant: ['LIC(?: OF INDIA| PREMIUM)?', 'LIFE INSURANCE CORP\\w*', 'HDFC LIFE', 'ICICI (?:PRU\\w*|LOMBARD)', 'SBI LIFE', 'STAR HEALTH', 'BAJAJ ALLIANZ', 'POLICYBAZAAR'],
  },
  {
    id: 'pharmacy-in',
    category: 'MEDICAL',
    priority: PRIORITY.brand,
    merchant: ['APOLLO PHARMACY', 'APOLLO HOSPITALS?', 'MEDPLUS', 'NETMEDS', 'PHARMEASY', 'TATA 1MG', '1MG'],
  },
  // ───────────────────────────── Australia, Canada ─────────────────────────────
  {
    id: 'insurer-au-ca',
    category: 'GENERAL_SERVICES',
    priority: PRIORITY.brand,
    merchant: ['MEDIBANK', 'BUPA', 'NIB HEALTH', 'HCF', 'AAMI', 'NRMA INSURANCE', 'ALLIANZ', 'BUDGET DIRECT', 'YOUI', 'SUNCORP INSURANCE', 'INTACT INSURANCE', 'DESJARDINS INSURANCE', 'TD INSURANCE', 'BELAIRDIRECT', 'ICBC', 'SGI CANADA', 'MANULIFE', 'SUN LIFE', 'CANADA LIFE'],
  },
  {
    id: 'food-au-ca',
    category: 'FOOD_AND_DRINK',
    priority: PRIORITY.brand,
    merchant: ['MENULOG', 'SKIP ?THE ?DISHES', 'DAN MURPHYS', 'BWS', 'LIQUORLAND', 'FIRST CHOICE LIQUOR', 'SAQ', 'LCBO', 'BEER STORE', 'BC LIQUOR'],
  },
  {
    id: 'utility-au-ca',
    category: 'RENT_AND_UTILITIES',
    priority: PRIORITY.incomeOrUtilityBrand,
    merchant: ['AGL', 'ORIGIN ENERGY', 'RED ENERGY', 'ALINTA', 'SYDNEY WATER', 'YARRA VALLEY WATER', 'AUSSIE BROADBAND', 'TPG', 'IINET', 'VODAFONE AU', 'BELL CANADA', 'BELL MOBILITY', 'VIRGIN PLUS', 'FREEDOM MOBILE', 'VIDEOTRON', 'HYDRO ONE', 'TORONTO HYDRO', 'ENMAX', 'EPCOR', 'FORTIS ?BC'],
  },
  {
    id: 'transport-au-ca',
    category: 'TRANSPORTATION',
    priority: PRIORITY.brand,
    merchant: ['TRANSPORTFORNSW', 'TRANSPORT FOR NSW', 'LINKT', 'E ?TAG', 'CITYLINK', 'TRANSLINK', 'GREEN P', 'IMPARK', 'PETRO ?CANADA', 'AMPOL', 'CALTEX', 'UNITED PETROLEUM', 'ULTRAMAR', 'PIONEER GAS'],
  },
];

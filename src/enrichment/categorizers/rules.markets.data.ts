import { PRIORITY, type CategoryRule } from './rules.data.js';

/**
 * What the layered categorizer adds to the rules (the rules categorizer keeps the original set, for
 * comparison): bank wording of more markets, and brands people pay by debit order, app or card
 * that the brand index (physical shops and amenities) does not hold: insurers, medical schemes,
 * lenders, telecoms, pay-TV, delivery apps, online shops, airlines, municipalities; for markets the
 * index holds thinly (New Zealand, Singapore, Nigeria, Kenya, Mexico, Brazil, the Nordics, Japan) the
 * utilities, transit, tax offices and chains whose lines hide them from it. Written from
 * general knowledge of each market's banks and consumer brands, grouped by market then category;
 * never from the rows of a measuring set.
 */
/** Where South African brands are met: South Africa and the rand's common monetary area. */
const ZA = ['za', 'na', 'ls', 'sz', 'bw'];
const IN = ['in'];
const AU_CA = ['au', 'nz', 'ca'];
const NORDIC = ['se', 'no', 'dk', 'fi'];
const GB = ['gb'];
const NZ = ['nz'];
const NG = ['ng'];
const MX = ['mx'];
const BR = ['br'];
const SG = ['sg'];
const KE = ['ke'];
const JP = ['jp'];

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
    markets: ZA,
    category: 'TRANSFER_OUT',
    priority: PRIORITY.paymentMechanism,
    sign: 'debit',
    // South African banking-app and real-time payments to a beneficiary; a brand or keyword after them decides first.
    description: ['APP PAYMENT', 'BANKING APP PAYMENT', 'RTC (?:EXPRESS )?PMT', 'IMMEDIATE PAYMENT', 'CASH ?SEND', 'E ?WALLET', 'INSTANT MONEY', 'PAYSHAP'],
  },
  {
    id: 'credit-za',
    markets: ZA,
    category: 'TRANSFER_IN',
    priority: PRIORITY.paymentMechanism,
    sign: 'credit',
    // South African electronic credits from another account; salary or interest words decide first.
    description: ['MAGTAPE CREDIT', 'REALTIME CREDIT', 'ACB CREDIT', 'EFT CREDIT', 'IMMEDIATE CREDIT', 'INWARD EFT', 'DIGITAL TRANSF(?:ER)? CR'],
  },
  {
    id: 'instant-payment-out',
    category: 'TRANSFER_OUT',
    priority: PRIORITY.paymentMechanism,
    sign: 'debit',
    // Instant-payment schemes of more markets, named on every transfer to a person: Brazil's Pix and TED, Mexico's SPEI,
    // Singapore's PayNow, the Nordic transfer words; a brand or keyword after them decides first.
    description: ['PIX', 'PIX (?:ENVIADO|ENVIADA|TRANSF\\w*|PAGAMENTO)', 'TED (?:ENVIADA|ENVIADO)', 'SPEI', 'SPEI ENVIADO', 'PAYNOW', 'OVERFORING', 'OVERFORSEL'],
  },
  {
    id: 'instant-payment-in',
    category: 'TRANSFER_IN',
    priority: PRIORITY.paymentMechanism,
    sign: 'credit',
    description: ['PIX', 'PIX (?:RECEBIDO|RECEBIDA|TRANSF\\w*)', 'TED (?:RECEBIDA|RECEBIDO)', 'SPEI', 'SPEI RECIBIDO', 'PAYNOW', 'OVERFORING', 'OVERFORSEL'],
  },
  // Nigeria's NIBSS instant payments (NIP) name the person and bank after them.
  { id: 'instant-payment-out-ng', markets: NG, category: 'TRANSFER_OUT', priority: PRIORITY.paymentMechanism, sign: 'debit', description: ['NIP', 'NIP TRANSFER', 'NIP TRF'] },
  { id: 'instant-payment-in-ng', markets: NG, category: 'TRANSFER_IN', priority: PRIORITY.paymentMechanism, sign: 'credit', description: ['NIP', 'NIP TRANSFER', 'NIP TRF'] },
  // Nordic person-to-person apps; a shop paid through Vipps prints `VIPPS *SHOP`, whose prefix is stripped first.
  { id: 'p2p-out-nordic', markets: NORDIC, category: 'TRANSFER_OUT', priority: PRIORITY.yieldingBrand, sign: 'debit', merchant: ['SWISH', 'VIPPS', 'MOBILE ?PAY'] },
  { id: 'p2p-in-nordic', markets: NORDIC, category: 'TRANSFER_IN', priority: PRIORITY.yieldingBrand, sign: 'credit', merchant: ['SWISH', 'VIPPS', 'MOBILE ?PAY'] },
  // Salaries in Swedish (LÖN), Norwegian (LØNN) and Danish (LØN).
  { id: 'payroll-nordic', markets: NORDIC, category: 'INCOME', priority: PRIORITY.incomeOrUtilityBrand, sign: 'credit', description: ['LON', 'LONN', 'LONNING', 'LONEUTBETALNING', 'LONNSUTBETALING'] },
  {
    id: 'bank-fee-more-markets',
    category: 'BANK_FEES',
    priority: PRIORITY.bankFeePhrase,
    // Brazil's tarifas and card annuity, Nordic fee words (gebyr, avgift), Nigeria's alert charges.
    description: [
      'TARIFA (?:BANCARIA|PACOTE|MENSAL|MANUTENCAO|TED|DOC|PIX|SAQUE|TRANSFERENCIA|CESTA|EXTRATO|AVULSA)\\w*',
      'CESTA DE SERVICOS',
      'ANUIDADE(?: (?:DO )?CARTAO)?',
      'KORTGEBYR',
      'MANEDSGEBYR',
      'ARSGEBYR',
      'KORTAVGIFT',
      'ARSAVGIFT',
      'MANADSAVGIFT',
      'SMS ALERTS? CHARGES?',
      'ALERT CHARGES?',
    ],
  },
  // Terminals cut Apple's billing descriptor at a fixed width: APPLE.COM/BIL, APPLE.COM/BI.
  { id: 'app-store-billing', category: 'ENTERTAINMENT', priority: PRIORITY.compoundBrand, merchant: ['APPLE COM BI\\w*'] },
  // ───────────────────────────── South Africa ─────────────────────────────
  {
    id: 'insurer-za',
    markets: ZA,
    category: 'GENERAL_SERVICES',
    priority: PRIORITY.brand,
    merchant: [
      'OUTSURANCE', 'SANLAM', 'OLD MUTUAL(?! FINANCE)', 'MOMENTUM', 'HOLLARD', 'MIWAY', 'KING PRICE', 'SANTAM', 'DIAL DIRECT',
      'CLIENTELE', '1ST FOR WOMEN', 'BUDGET INSURANCE', 'AUTO (?:&|AND) GENERAL', 'LIBERTY LIFE', 'METROPOLITAN', 'ASSUPOL', 'PPS',
      'AVBOB', 'DISCOVERY(?: HEALTH| INSURE| LIFE| VITALITY)?', 'BONITAS', 'BESTMED', 'MEDSHIELD', 'FEDHEALTH', 'GEMS MEDICAL',
      'MOMENTUM HEALTH', 'BRYTE', 'INFINITI INSURANCE', 'VIRSEKER', 'NAKED INSURANCE', 'PRIME MEDITAXI',
      // Banks' own life and funeral covers and the short names debit orders carry (DISC LIFE, FNBLIFE), brokers.
      'DISC ?LIFE', 'DISC MEMB\\w*', 'DISC HEALTH', 'DISC INSURE', 'FNB ?LIFE', 'ABSA ?LIFE', 'NEDGROUP LIFE', 'CAPITEC LIFE',
      'STANDARD BANK INSURANCE', 'SBSA INSURANCE', 'AON(?: SA| SOUTH AFRICA)?', 'MEDICAL (?:AID|SCHEME)', 'FUNERAL (?:POLICY|COVER|PLAN|SCHEME)',
      'LIFE (?:COVER|POLICY|ASSURANCE)', 'MOTOR POLICY', 'HOUSEHOLD POLICY', 'DOTSURE', 'OLD MUTUAL INSURE', 'TELESURE', 'REGENT INSURANCE',
      'MOMENTUM MEDICAL SCHEME', 'MEDIHELP', 'KEYHEALTH', 'SIZWE HOSMED', 'POLMED', 'PROFMED', 'CAMAF', 'ESSENTIAL MED',
    ],
  },
  {
    id: 'lender-za',
    markets: ZA,
    category: 'LOAN_PAYMENTS',
    priority: PRIORITY.issuerBrand,
    sign: 'debit',
    merchant: ['CAPFIN', 'WONGA', 'RCS', 'MOBICRED', 'PAYJUSTNOW', 'OLD MUTUAL FINANCE', 'DIRECTAXIS', 'FINCHOICE', 'LENDPLUS', 'WESBANK', 'MFC', 'BAYPORT', 'AFRICAN BANK'],
  },
  {
    id: 'card-and-loan-repayment-za',
    markets: ZA,
    category: 'LOAN_PAYMENTS',
    priority: PRIORITY.cardRepayment,
    sign: 'debit',
    // Banks name their own credit cards and loans in short on the debit (FNBCC, RMB CC, FNB RVL LOAN, VAF for vehicle and asset finance).
    description: [
      '(?:FNB|RMB|ABSA|NEDBANK|NED|SBSA|STD ?BANK|STANDARD BANK|INVESTEC|CAPITEC|DISCOVERY|WFS|WOOLWORTHS) ?CC',
      '(?:TO|PMT TO|PAYMENT TO) CREDIT CARD', '(?:FNB|RMB|ABSA|NEDBANK|STANDARD BANK|CAPITEC|INVESTEC|DISCOVERY) CREDIT ?CARD',
      '(?:FNB ?)?RVL ?LOAN', 'REVOLVING (?:CREDIT|LOAN)', 'HOME ?LOAN (?:REPAYMENT|INSTALMENT|INST|PMT)', 'BOND (?:REPAYMENT|INSTALMENT)',
      'VEHICLE (?:(?:&|AND) ASSET )?FINANCE', 'VAF INST\\w*', 'PERSONAL LOAN', 'LOAN (?:REPAYMENT|INSTALMENT|INST)', 'STUDENT LOAN', 'NSFAS',
    ],
  },
  {
    id: 'telecom-za',
    markets: ZA,
    category: 'RENT_AND_UTILITIES',
    priority: PRIORITY.incomeOrUtilityBrand,
    merchant: ['VODACOM', 'MTN', 'CELL ?C', 'TELKOM(?: ?MOBI\\w*)?', 'RAIN (?:MOBILE|DATA|NETWORKS)', 'AFRIHOST', 'WEBAFRICA', 'COOL IDEAS', 'VUMATEL', 'OPENSERVE', 'FROGFOOT', 'MWEB', 'AXXESS', 'HEROTEL'],
  },
  {
    id: 'utility-za',
    markets: ZA,
    category: 'RENT_AND_UTILITIES',
    priority: PRIORITY.brand,
    merchant: ['ESKOM', 'CITY POWER', 'CITY OF (?:JOHANNESBURG|JHB|CAPE TOWN|TSHWANE|EKURHULENI)', 'COJ', 'ETHEKWINI', 'NELSON MANDELA BAY', 'MANGAUNG', 'BUFFALO CITY', 'JOHANNESBURG WATER', 'PREPAID ELEC\\w*'],
  },
  {
    id: 'entertainment-za',
    markets: ZA,
    category: 'ENTERTAINMENT',
    priority: PRIORITY.brand,
    merchant: ['SHOWMAX', 'DSTV', 'MULTI ?CHOICE', 'M ?CHOICE', 'GOTV', 'STARSAT', 'APPLE MUSIC', 'DISNEY ?PLUS', 'BOX OFFICE', 'PLAYSTATION', 'XBOX', 'STEAM ?GAMES', 'COMPUTICKET', 'TICKETPRO', 'QUICKET', 'HOWLER', 'STER ?KINEKOR', 'NU METRO', 'HOLLYWOODBETS', 'BETWAY', 'SUPABETS', 'SUNBET', 'LOTTOSTAR', 'ITHUBA', 'GBETS', 'PLAYABETS'],
  },
  {
    id: 'food-za',
    markets: ZA,
    category: 'FOOD_AND_DRINK',
    priority: PRIORITY.brand,
    merchant: [
      // PnP is Pick n Pay's own short name (pnp.co.za), which its tills print.
      'PNP', 'MR D(?: FOOD)?', 'PNP ?ASAP', 'PICK N PAY ASAP', 'CHECKERS SIXTY ?60', 'SIXTY60', 'WOOLIES DASH', 'WOOLWORTHS FOOD', 'COL ?CACCHIO',
      'BOOTLEGGER', 'TASHAS', 'WAKABERRY', 'BARCELOS', 'MUGG (?:&|AND) BEAN', 'CAMBRIDGE FOOD', 'NORMAN GOODFELLOWS', 'TOPS AT SPAR',
      'SPAR TOPS', 'LIQUOR CITY', 'SHOPRITE LIQUORSHOP', 'CHECKERS LIQUORSHOP', 'PICK N PAY LIQUOR', 'PNP LIQUOR', 'STEERS', 'WIMPY',
      'DEBONAIRS', 'FISHAWAYS', 'CHICKEN LICKEN', 'GALITOS', 'ROMANS PIZZA', 'PANAROTTIS', 'OCEAN BASKET', 'ROCOMAMAS', 'JOHN DORYS',
      'VIDA E CAFF\\w*', 'SEATTLE COFFEE', 'KAUAI', 'SIMPLY ASIA', 'HUNGRY LION', 'FRIENDLY CHEF', 'SPUR STEAK RANCH\\w*',
      // The Spar group's grocer formats (the index tags the small one a convenience store), and chains' till short names.
      'KWIK ?SPAR', 'SUPER ?SPAR', 'SPAR EXPRESS', 'SAVEMORE', 'FLM', 'FOOD LOVERS(?: MARKET)?', 'MCD', 'MC ?DONALDS', 'PNP (?:FAMILY|EXPRESS|HYPER|LIQUOR|CLOTHING)',
      'BOXER(?: SUPERSTORES?| BUILD| LIQUOR)?', 'USAVE', 'OK (?:FOODS|GROCER|EXPRESS)', 'CHECKERS HYPER', 'SHOPRITE', 'FRUIT (?:&|AND) VEG CITY',
      'PEDROS', 'BURGER KING', 'BIG ?BITE', 'MUGG N BEAN', 'NEWS CAFE', 'TOTTIS', 'TEXAMO', 'DOPPIO ZERO', 'PAUL(?:S)? HOMEMADE', 'KRISPY KREME',
    ],
  },
  {
    id: 'shop-za',
    markets: ZA,
    category: 'GENERAL_MERCHANDISE',
    priority: PRIORITY.brand,
    merchant: [
      'TAKEALOT', 'INCREDIBLE CONNECTION', 'HI ?FI CORP', 'MAKRO', 'WESTPACK', 'LOOT CO ZA', 'SUPERBALIST', 'YUPPIECHEF', 'TEMU', 'SHEIN', 'BIDORBUY', 'BOB SHOP',
      // Clothing, stationery, books, toys, vape and appliance chains (the index tags some under a market's other brand of the same name: JET).
      'JET(?: STORES?| MART)?', 'EDGARS(?: ACTIVE)?', 'TRUWORTHS', 'FOSCHINI', 'MARKHAM', 'PEP(?: STORES?| HOME| CELL)', 'ACKERMANS', 'MR ?PRICE(?! HOME)',
      'SPORTSCENE', 'TOTALSPORTS', 'SPORTSMANS WAREHOUSE', 'TFG', 'BASH', 'WALTONS', 'CNA', 'PNA', 'EXCLUSIVE BOOKS', 'TOYS R US', 'TOY KINGDOM', 'VAPE KING',
      'TWISP', 'DEFY APPLIANCES?', 'RUSSELLS', 'LEWIS STORES', 'BEARES', 'OK FURNITURE', 'HOUSE (?:&|AND) HOME', 'DUNNS', 'STUDIO 88',
    ],
  },
  {
    id: 'home-za',
    markets: ZA,
    category: 'HOME_IMPROVEMENT',
    priority: PRIORITY.brand,
    merchant: [
      'BUILDERS (?:WAREHOUSE|EXPRESS|SUPERSTORE|TRADE DEPOT)', 'CASHBUILD', 'CHAMBERLAINS?', 'PENNYPINCHERS', 'BUCO', 'MICA', 'WETHERLYS', 'CORICRAFT', 'ISLAND LIVING', 'BLUE LINE',
      'BUILD ?IT', 'GELMAR', 'TIMBER CITY', 'AMBRO', 'LEROY MERLIN', 'MR ?PRICE HOME', 'SHEET STREET', 'GALAXY FURNITURE', 'DECOFURN', 'PLASCON', 'DULUX', 'MIDAS HARDWARE',
    ],
  },
  {
    id: 'gym-za',
    markets: ZA,
    category: 'PERSONAL_CARE',
    priority: PRIORITY.brand,
    merchant: ['VIRGIN ACTIVE', 'PLANET FITNESS', 'ZONE FITNESS', 'SWITCH PLAYGROUND', 'SORBET'],
  },
  {
    id: 'transport-za',
    markets: ZA,
    category: 'TRANSPORTATION',
    priority: PRIORITY.brand,
    merchant: [
      'GAUTRAIN', 'SANRAL', 'E ?TOLL', 'INTERCAPE', 'MY ?CITI', 'REA VAYA', 'ASTRON ENERGY', 'ASTRON', 'BOLT(?: EU| RIDE)?', 'TOTALENERGIES',
      // Vehicle tracking paid by debit order, and parking operators of malls and airports.
      'TRACKER (?:CONNECT|SA|NETWORK|VEHICLE\\w*)', 'CARTRACK', 'NETSTAR', 'MIX TELEMA\\w*', 'CTRACK', 'MATRIX VEHICLE\\w*', 'BEAME', 'SERVEST PAR\\w*', 'PARKUPP',
      'ACSA PARKING', 'METRORAIL', 'PRASA', 'PUTCO', 'GO GEORGE', 'A RE YENG', 'HARAMBEE',
    ],
  },
  {
    id: 'travel-za',
    markets: ZA,
    category: 'TRAVEL',
    priority: PRIORITY.brand,
    merchant: ['FLYSAFAIR', 'KULULA', 'AIRLINK', 'LIFT AIRLINE', 'SAA', 'SOUTH AFRICAN AIRWAYS', 'MANGO AIRLINES', 'CITY LODGE', 'PROTEA HOTEL\\w*', 'TSOGO SUN', 'SANPARKS', 'TRAVELSTART', 'FLIGHT CENTRE'],
  },
  {
    id: 'government-za',
    markets: ZA,
    category: 'GOVERNMENT_AND_NON_PROFIT',
    priority: PRIORITY.brand,
    sign: 'debit',
    merchant: [
      'SARS', 'SA REVENUE SERVICE', 'DEPT OF HOME AFFAIRS', 'HOME AFFAIRS', 'NATIS', 'RTMC', 'AARTO', 'GIFT OF THE GIVERS', 'SPCA',
      // Licences and fines, and the charities South Africans give to by debit order.
      'LICEN[CS]E RENEWAL', 'VEHICLE LICEN[CS]E', 'DRIVERS? LICEN[CS]E', 'MOTOR VEHICLE LICEN[CS]E', 'TRAFFIC FINES?', 'JMPD', 'TMPD', 'SAPS', 'DEPT OF TRANSPORT',
      'CANSA', 'HOSPICE', 'NSPCA', 'SOS CHILDRENS', 'REACH FOR A DREAM', 'CHILDLINE', 'LIFELINE', 'SALVATION ARMY', 'RED CROSS', 'HABITAT FOR HUMANITY',
    ],
  },
  {
    id: 'cash-deposit-za',
    markets: ZA,
    category: 'TRANSFER_IN',
    priority: PRIORITY.compoundBrand,
    sign: 'credit',
    // Notes paid in at a deposit-taking ATM (FNB's ADT) or a branch; the machine's name is no merchant.
    description: ['CASH DEP(?:OSIT)?', 'ADT CASH DEP\\w*', 'CASH DEP BRANCH', 'NOTES DEPOSIT'],
  },
  {
    id: 'savings-sweep-za',
    markets: ZA,
    category: 'TRANSFER_OUT',
    priority: PRIORITY.sweepOrTaxRefund,
    sign: 'debit',
    // Round-up and save-the-change sweeps of South African banks (Standard Bank's Bank Your Change, Capitec's Live Better).
    description: ['BYC DEBIT', 'BANK YOUR CHANGE', 'LIVE BETTER ROUND ?UPS?(?: TRANSFER)?', 'ROUND ?UP TRANSFER', 'SAVINGS POCKET', 'TRANSFER TO (?:SAVINGS|POCKET)'],
  },
  {
    id: 'investment-za',
    markets: ZA,
    category: 'TRANSFER_OUT',
    priority: PRIORITY.issuerBrand,
    sign: 'debit',
    merchant: [
      'EASY ?EQUITIES', 'SATRIX', 'ALLAN GRAY', 'CORONATION(?: FUND| UNIT TRUST)?', 'STANLIB', '10X INVEST\\w*', 'SYGNIA', 'ETFSA', 'PSG WEALTH', 'NINETY ONE',
      'UNIT TRUSTS?', 'TAX FREE SAVINGS', 'TFSA', 'RETIREMENT ANNUITY', 'PRESERVATION FUND', 'BRIGHTROCK INVEST\\w*',
    ],
  },
  {
    id: 'grants-and-benefits-za',
    markets: ZA,
    category: 'INCOME',
    priority: PRIORITY.sweepOrTaxRefund,
    sign: 'credit',
    // Social grants, unemployment insurance and pensions paid in.
    description: ['SASSA', 'SOCIAL GRANT', '(?:OLD AGE|CHILD SUPPORT|DISABILITY|SRD) GRANT', 'UIF(?: BENEFIT| PAYMENT)?', 'DEPT OF LABOUR', 'GEPF', 'PENSION(?: PAYMENT)?', 'ANNUITY'],
  },
  {
    id: 'medical-za',
    markets: ZA,
    category: 'MEDICAL',
    priority: PRIORITY.brand,
    merchant: [
      'PATHCARE', 'LANCET(?: LAB\\w*)?', 'AMPATH', 'NETCARE', 'MEDICLINIC', 'LIFE HEALTHCARE', 'DIS ?CHEM', 'MEDIRITE', 'SPEC ?SAVERS', 'MEDICROSS', 'ER24',
      'OPTICAL ?CITY', 'MORKELS OPT\\w*',
      // Doctors' and dentists' practices are incorporated as `Dr <name> Inc`.
      'DRS? (?:[A-Z] ){0,3}[A-Z]{2,}(?: (?:&|AND) [A-Z]+)? INC',
    ],
  },
  {
    id: 'education-za',
    markets: ZA,
    category: 'GENERAL_SERVICES',
    priority: PRIORITY.specificKeyword,
    // Fees to schools and universities, in English and Afrikaans (a payment to them is no transfer, a fee to them no bank fee).
    description: [
      'SKOOLFONDS', 'SKOOLGELD', 'LAERSKOOL', 'HOERSKOOL', 'KLEUTERSKOOL', 'NASORG', 'AFTERCARE', 'CRECHE', 'SCHOOL FEES?', 'STUDENT FEES?', 'TUITION FEES?',
      'UNISA', 'UNIVERSITY OF [A-Z]+', '[A-Z]+ UNIVERSITY', 'UNIVERSITEIT', 'VARSITY COLLEGE', 'DAMELIN', 'BOSTON CITY CAMPUS', 'CURRO', 'SPARK SCHOOLS', 'ADVTECH',
    ],
  },
  {
    id: 'car-care',
    category: 'GENERAL_SERVICES',
    priority: PRIORITY.specificKeyword,
    // Car washes and fitment centres: a car spa is no day spa.
    description: ['CAR ?SPA', 'CAR ?WASH', 'AUTO ?SPA', 'CAR VALET\\w*', 'AUTO VALET\\w*', 'VALET CENTRE', 'TYRE (?:&|AND) EXHAUST', 'PANELBEATERS?'],
  },
  {
    id: 'car-care-za',
    markets: ZA,
    category: 'GENERAL_SERVICES',
    priority: PRIORITY.brand,
    // Tyre, exhaust and service fitment chains.
    merchant: ['SUPA ?QUICK', 'TIGER WHEEL (?:&|AND) TYRE', 'HI ?Q', 'BEST DRIVE', 'TYRE ?MART', 'DUNLOP ZONE', 'MIDAS SERVICE'],
  },
  {
    id: 'web-services',
    category: 'GENERAL_SERVICES',
    priority: PRIORITY.brand,
    // Domain and hosting companies, whose terminals print their web address.
    merchant: ['NAME ?CHEAP', 'HOSTINGER', 'XNEELO', 'HETZNER', 'DOMAINS CO ZA', 'SQUARESPACE', 'WIX COM', 'BLUEHOST', 'CLOUDFLARE'],
  },
  {
    id: 'leisure-club',
    category: 'ENTERTAINMENT',
    priority: PRIORITY.keyword,
    // Country and golf clubs, whose names terminals cut (`Country Clu`).
    description: ['COUNTRY CLU\\w*', 'GOLF CLU\\w*', 'GOLF COU\\w*', 'GOLF ESTATE', 'BOWLS CLUB', 'YACHT CLUB'],
  },
  // ───────────────────────────── United Kingdom ─────────────────────────────
  {
    id: 'pub-names-gb',
    markets: GB,
    category: 'FOOD_AND_DRINK',
    priority: PRIORITY.keyword,
    // A British pub is often named only by its sign: the … Arms, and the commonest signs.
    description: [
      '[A-Z]+ ARMS', 'RED LION', 'WHITE HART', 'ROYAL OAK', 'ROSE (?:&|AND) CROWN', 'WHITE HORSE', 'BLACK HORSE', 'NAGS HEAD', 'WHEATSHEAF',
      'COACH (?:&|AND) HORSES', 'PLOUGH (?:&|AND) HARROW', 'FOX (?:&|AND) HOUNDS', 'QUEENS HEAD', 'KINGS HEAD', 'GREEN MAN',
    ],
  },
  // The MOT is the yearly roadworthiness test of a British car, done by garages.
  { id: 'mot-gb', markets: GB, category: 'GENERAL_SERVICES', priority: PRIORITY.specificKeyword, description: ['MOT', 'MOT (?:TEST|CENTRE|STATION|BAY)'] },
  {
    id: 'council-tax-gb',
    markets: GB,
    category: 'GOVERNMENT_AND_NON_PROFIT',
    priority: PRIORITY.sweepOrTaxRefund,
    sign: 'debit',
    // Councils print council tax short on a direct debit (`C TAX`, `CTAX`); London boroughs as `LB OF …`.
    description: ['C ?TAX', 'CNCL TAX', 'LB OF [A-Z]+', 'RB OF [A-Z]+'],
  },
  // ───────────────────────────── New Zealand ─────────────────────────────
  // A dairy is New Zealand's corner shop: a convenience store.
  { id: 'dairy-nz', markets: NZ, category: 'GENERAL_MERCHANDISE', priority: PRIORITY.keyword, description: ['DAIRY'] },
  // ───────────────────────────── Mexico, Brazil ─────────────────────────────
  {
    id: 'government-br',
    markets: BR,
    category: 'GOVERNMENT_AND_NON_PROFIT',
    priority: PRIORITY.sweepOrTaxRefund,
    sign: 'debit',
    // Vehicle and property taxes, federal tax slips, the traffic department.
    description: ['IPVA', 'IPTU', 'DARF', 'RECEITA FEDERAL', 'DETRAN', 'LICENCIAMENTO', 'SIMPLES NACIONAL', 'GPS INSS'],
  },
  // Mexico's tax office, the SAT, only with the words of a tax payment (SAT alone is too common a word).
  { id: 'government-mx', markets: MX, category: 'GOVERNMENT_AND_NON_PROFIT', priority: PRIORITY.sweepOrTaxRefund, sign: 'debit', description: ['PAGO (?:REFERENCIADO )?SAT', 'SAT (?:ISR|IVA|PAGO)', 'TESORERIA'] },
  // ───────────────────────────── India ─────────────────────────────
  {
    id: 'food-in',
    markets: IN,
    category: 'FOOD_AND_DRINK',
    priority: PRIORITY.brand,
    merchant: ['SWIGGY', 'ZOMATO', 'BIGBASKET', 'BIG BASKET', 'BLINKIT', 'ZEPTO', 'DMART', 'AVENUE SUPERMARTS', 'BIG BAZAAR', 'RELIANCE (?:SMART|FRESH|RETAIL)', 'MORE RETAIL', 'SPENCERS RETAIL', 'NATURES BASKET'],
  },
  {
    id: 'shop-in',
    markets: IN,
    category: 'GENERAL_MERCHANDISE',
    priority: PRIORITY.brand,
    merchant: ['FLIPKART', 'MYNTRA', 'AJIO', 'NYKAA', 'MEESHO', 'AMAZON PAY INDIA', 'AMAZON SELLER SERVICES', 'TATA CLIQ', 'CROMA', 'RELIANCE DIGITAL', 'LIFESTYLE INTERNATIONAL', 'SHOPPERS STOP', 'PANTALOONS', 'WESTSIDE'],
  },
  {
    id: 'telecom-in',
    markets: IN,
    category: 'RENT_AND_UTILITIES',
    priority: PRIORITY.incomeOrUtilityBrand,
    merchant: ['AIRTEL', 'BHARTI AIRTEL', 'JIO', 'RELIANCE JIO', 'VODAFONE IDEA', 'VI PREPAID', 'BSNL', 'TATA PLAY', 'BESCOM', 'TATA POWER', 'ADANI ELECTRICITY', 'MSEDCL', 'BSES'],
  },
  {
    id: 'travel-in',
    markets: IN,
    category: 'TRAVEL',
    priority: PRIORITY.brand,
    merchant: ['MAKEMYTRIP', 'GOIBIBO', 'CLEARTRIP', 'YATRA', 'OYO', 'INDIGO (?:AIRLINES|AIR)', 'INTERGLOBE AVIATION', 'SPICEJET', 'AKASA AIR', 'VISTARA'],
  },
  {
    id: 'transport-in',
    markets: IN,
    category: 'TRANSPORTATION',
    priority: PRIORITY.brand,
    merchant: ['IRCTC', 'OLA CABS', 'ANI TECHNOLOGIES', 'RAPIDO', 'FASTAG', 'INDIAN OIL', 'IOCL', 'BHARAT PETROLEUM', 'BPCL', 'HINDUSTAN PETROLEUM', 'HPCL'],
  },
  {
    id: 'insurer-in',
    markets: IN,
    category: 'GENERAL_SERVICES',
    priority: PRIORITY.brand,
    merchant: ['LIC(?: OF INDIA| PREMIUM)?', 'LIFE INSURANCE CORP\\w*', 'HDFC LIFE', 'ICICI (?:PRU\\w*|LOMBARD)', 'SBI LIFE', 'STAR HEALTH', 'BAJAJ ALLIANZ', 'POLICYBAZAAR'],
  },
  {
    id: 'pharmacy-in',
    markets: IN,
    category: 'MEDICAL',
    priority: PRIORITY.brand,
    merchant: ['APOLLO PHARMACY', 'APOLLO HOSPITALS?', 'MEDPLUS', 'NETMEDS', 'PHARMEASY', 'TATA 1MG', '1MG'],
  },
  // ───────────────────────────── Australia, Canada ─────────────────────────────
  {
    id: 'insurer-au-ca',
    markets: AU_CA,
    category: 'GENERAL_SERVICES',
    priority: PRIORITY.brand,
    merchant: ['MEDIBANK', 'BUPA', 'NIB HEALTH', 'HCF', 'AAMI', 'NRMA INSURANCE', 'ALLIANZ', 'BUDGET DIRECT', 'YOUI', 'SUNCORP INSURANCE', 'INTACT INSURANCE', 'DESJARDINS INSURANCE', 'TD INSURANCE', 'BELAIRDIRECT', 'ICBC', 'SGI CANADA', 'MANULIFE', 'SUN LIFE', 'CANADA LIFE'],
  },
  {
    id: 'food-au-ca',
    markets: AU_CA,
    category: 'FOOD_AND_DRINK',
    priority: PRIORITY.brand,
    merchant: ['MENULOG', 'SKIP ?THE ?DISHES', 'DAN MURPHYS', 'BWS', 'LIQUORLAND', 'FIRST CHOICE LIQUOR', 'SAQ', 'LCBO', 'BEER STORE', 'BC LIQUOR'],
  },
  {
    id: 'utility-au-ca',
    markets: AU_CA,
    category: 'RENT_AND_UTILITIES',
    priority: PRIORITY.incomeOrUtilityBrand,
    merchant: ['AGL', 'ORIGIN ENERGY', 'RED ENERGY', 'ALINTA', 'SYDNEY WATER', 'YARRA VALLEY WATER', 'AUSSIE BROADBAND', 'TPG', 'IINET', 'VODAFONE AU', 'BELL CANADA', 'BELL MOBILITY', 'VIRGIN PLUS', 'FREEDOM MOBILE', 'VIDEOTRON', 'HYDRO ONE', 'TORONTO HYDRO', 'ENMAX', 'EPCOR', 'FORTIS ?BC'],
  },
  {
    id: 'transport-au-ca',
    markets: AU_CA,
    category: 'TRANSPORTATION',
    priority: PRIORITY.brand,
    merchant: ['TRANSPORTFORNSW', 'TRANSPORT FOR NSW', 'LINKT', 'E ?TAG', 'CITYLINK', 'TRANSLINK', 'GREEN P', 'IMPARK', 'PETRO ?CANADA', 'AMPOL', 'CALTEX', 'UNITED PETROLEUM', 'ULTRAMAR', 'PIONEER GAS'],
  },
  // ───────────────────────────── Brands the index lacks or the line hides, by market ─────────────────────────────
  // Each list is a market's family of one kind (its energy retailers, its telecoms), written whole from general knowledge.
  {
    id: 'utility-nz',
    markets: NZ,
    category: 'RENT_AND_UTILITIES',
    priority: PRIORITY.incomeOrUtilityBrand,
    merchant: [
      'MERCURY(?: NZ| ENERGY)?', 'GENESIS ENERGY', 'CONTACT ENERGY', 'MERIDIAN ENERGY', 'TRUSTPOWER', 'NOVA ENERGY', 'ELECTRIC KIWI', 'FLICK ELECTRIC',
      'POWERSHOP', 'PULSE ENERGY', 'WATERCARE', 'WELLINGTON WATER', 'SPARK(?: NZ| NEW ZEALAND)?', 'ONE NZ', 'VODAFONE NZ', '2DEGREES', 'SKINNY MOBILE', 'SLINGSHOT', 'ORCON',
    ],
  },
  {
    id: 'transport-nz',
    markets: NZ,
    category: 'TRANSPORTATION',
    priority: PRIORITY.brand,
    // Z Energy trades as a bare Z before the site's name (`Z SHORTLAND ST`).
    merchant: ['^Z(?= [A-Z])', 'Z ENERGY', 'GULL', 'WAITOMO', 'NPD', 'CHALLENGE FUEL', 'AUCKLAND TRANSPORT', 'AT HOP', 'AT PARKING', 'SNAPPER', 'METLINK', 'BEE CARD', 'WILSON PARKING'],
  },
  { id: 'insurer-nz', markets: NZ, category: 'GENERAL_SERVICES', priority: PRIORITY.brand, merchant: ['TOWER INSURANCE', 'AMI INSURANCE', 'STATE INSURANCE', 'SOUTHERN CROSS(?: HEALTH| MEDICAL)?', 'NIB NZ', 'PARTNERS LIFE', 'FIDELITY LIFE', 'AIA NZ'] },
  { id: 'government-nz', markets: NZ, category: 'GOVERNMENT_AND_NON_PROFIT', priority: PRIORITY.sweepOrTaxRefund, sign: 'debit', description: ['IRD', 'IRD TAX', 'NZTA', 'WAKA KOTAHI'] },
  {
    id: 'utility-sg',
    markets: SG,
    category: 'RENT_AND_UTILITIES',
    priority: PRIORITY.incomeOrUtilityBrand,
    merchant: [
      'SP SERVICES', 'SP GROUP', 'SP DIGITAL', 'CITY ENERGY', 'SENOKO', 'GENECO', 'TUAS POWER', 'KEPPEL ELECTRIC', 'PACIFICLIGHT', 'SINGTEL', 'STARHUB', 'M1 (?:LIMITED|LTD)',
      'CIRCLES ?LIFE', 'MYREPUBLIC', 'VIEWQWEST', 'GOMO',
    ],
  },
  { id: 'entertainment-sg', markets: SG, category: 'ENTERTAINMENT', priority: PRIORITY.brand, merchant: ['GOLDEN VILLAGE', 'SHAW THEATRES', 'CATHAY CINEPLEXES', 'FILMGARDE', 'SINGAPORE POOLS'] },
  { id: 'transport-sg', markets: SG, category: 'TRANSPORTATION', priority: PRIORITY.brand, merchant: ['SIMPLYGO', 'EZ ?LINK', 'TRANSITLINK', 'COMFORT ?DELGRO', 'CDG TAXI', 'GOJEK', 'TADA'] },
  { id: 'travel-sg', markets: SG, category: 'TRAVEL', priority: PRIORITY.brand, merchant: ['FLYSCOOT', 'SCOOT TIGERAIR'] },
  { id: 'government-sg', markets: SG, category: 'GOVERNMENT_AND_NON_PROFIT', priority: PRIORITY.sweepOrTaxRefund, sign: 'debit', description: ['IRAS'] },
  {
    id: 'utility-ng',
    markets: NG,
    category: 'RENT_AND_UTILITIES',
    priority: PRIORITY.incomeOrUtilityBrand,
    // Mobile networks, internet providers and the electricity distribution companies (prepaid tokens).
    merchant: [
      'MTN', 'AIRTEL', 'GLO(?: MOBILE)?', '9MOBILE', 'SPECTRANET', 'SMILE (?:COMMUNICATIONS|NIGERIA)', 'IPNX', 'SWIFT NETWORKS', 'IKEJA ELECTRIC', 'IKEDC', 'EKEDC',
      'EKO ELECTRIC\\w*', 'AEDC', 'ABUJA ELECTRIC\\w*', 'IBEDC', 'IBADAN ELECTRIC\\w*', 'PHED', 'KEDCO', 'EEDC', 'BEDC', 'JED PLC',
    ],
  },
  { id: 'food-ng', markets: NG, category: 'FOOD_AND_DRINK', priority: PRIORITY.brand, merchant: ['JUSTRITE', 'PRINCE EBEANO', 'EBEANO', 'SPAR NIGERIA', 'KILIMANJARO', 'SWEET SENSATION', 'MR BIGGS', 'TANTALIZERS'] },
  { id: 'shop-ng', markets: NG, category: 'GENERAL_MERCHANDISE', priority: PRIORITY.brand, merchant: ['JUMIA', 'KONGA'] },
  { id: 'government-ng', markets: NG, category: 'GOVERNMENT_AND_NON_PROFIT', priority: PRIORITY.sweepOrTaxRefund, sign: 'debit', description: ['FIRS', 'LIRS', 'LASG'] },
  {
    id: 'utility-ke',
    markets: KE,
    category: 'RENT_AND_UTILITIES',
    priority: PRIORITY.incomeOrUtilityBrand,
    merchant: ['KPLC', 'KENYA POWER', 'NAIROBI WATER', 'NCWSC', 'ZUKU', 'SAFARICOM (?:HOME|POSTPAY|POSTPAID)', 'FAIBA', 'AIRTEL KENYA', 'TELKOM KENYA'],
  },
  { id: 'food-ke', markets: KE, category: 'FOOD_AND_DRINK', priority: PRIORITY.brand, merchant: ['JAVA HOUSE', 'ARTCAFFE', 'KENCHIC', 'QUICKMART', 'CHANDARANA', 'CLEANSHELF', 'TUSKYS'] },
  { id: 'government-ke', markets: KE, category: 'GOVERNMENT_AND_NON_PROFIT', priority: PRIORITY.sweepOrTaxRefund, sign: 'debit', description: ['KRA', 'ITAX', 'KENYA REVENUE', 'ECITIZEN', 'NTSA'] },
  {
    id: 'utility-mx',
    markets: MX,
    category: 'RENT_AND_UTILITIES',
    priority: PRIORITY.incomeOrUtilityBrand,
    merchant: ['CFE', 'COMISION FEDERAL DE ELECTRICIDAD', 'TELMEX', 'TELCEL', 'IZZI', 'TOTALPLAY', 'MEGACABLE', 'NATURGY', 'SACMEX'],
  },
  { id: 'leisure-mx', markets: MX, category: 'ENTERTAINMENT', priority: PRIORITY.brand, merchant: ['CINEPOLIS', 'CINEMEX'] },
  { id: 'travel-mx', markets: MX, category: 'TRAVEL', priority: PRIORITY.brand, merchant: ['VOLARIS', 'VIVA ?AEROBUS'] },
  {
    id: 'utility-br',
    markets: BR,
    category: 'RENT_AND_UTILITIES',
    priority: PRIORITY.incomeOrUtilityBrand,
    merchant: ['ENEL', 'CPFL', 'CEMIG', 'COPEL', 'COELBA', 'SABESP', 'CEDAE', 'COPASA', 'SANEPAR', 'COMGAS', 'TELEFONICA', 'VIVO (?:FIXO|MOVEL|INTERNET|FIBRA)', 'CLARO (?:S ?A|NET|BRASIL|MOVEL)', 'TIM (?:S ?A|BRASIL|CELULAR)'],
  },
  {
    id: 'transport-br',
    markets: BR,
    category: 'TRANSPORTATION',
    priority: PRIORITY.brand,
    // Transit cards, metros and toll tags; `AUTO POSTO` is how filling stations name themselves.
    merchant: ['SPTRANS', 'BILHETE UNICO', 'RIOCARD', 'METRO SP', 'CPTM', 'METRO ?RIO', 'SUPERVIA', 'SEM PARAR', 'CONECTCAR', 'VELOE', 'AUTO POSTO'],
  },
  { id: 'food-br', markets: BR, category: 'FOOD_AND_DRINK', priority: PRIORITY.brand, merchant: ['IFOOD', 'IFD', 'RAPPI'] },
  { id: 'shop-br', markets: BR, category: 'GENERAL_MERCHANDISE', priority: PRIORITY.brand, merchant: ['MAGAZINE ?LUIZA', 'MAGALU', 'AMERICANAS', 'CASAS BAHIA', 'MERCADO ?LIVRE', 'SHOPEE'] },
  {
    id: 'utility-nordic',
    markets: NORDIC,
    category: 'RENT_AND_UTILITIES',
    priority: PRIORITY.incomeOrUtilityBrand,
    merchant: [
      'FJORDKRAFT', 'TIBBER', 'HAFSLUND', 'FORTUM', 'NORGESENERGI', 'LYSE', 'ELVIA', 'TENSIO', 'ELLEVIO', 'GOTEBORG ENERGI', 'ORSTED', 'NORLYS', 'ANDEL ENERGI', 'EWII',
      'TELENOR', 'TELIA', 'TELE2', 'TALKMORE', 'ICE (?:NORGE|MOBIL)', 'YOUSEE', 'TDC', 'COMHEM', 'BAHNHOF', 'ALTIBOX',
    ],
  },
  // The state liquor shops of Sweden and Norway.
  { id: 'food-nordic', markets: NORDIC, category: 'FOOD_AND_DRINK', priority: PRIORITY.brand, merchant: ['SYSTEMBOLAGET', 'VINMONOPOLET'] },
  { id: 'transport-nordic', markets: NORDIC, category: 'TRANSPORTATION', priority: PRIORITY.brand, merchant: ['RUTER', 'SKANETRAFIKEN', 'VASTTRAFIK', 'STORSTOCKHOLMS LOKALTRAFIK', 'REJSEKORT', 'MOVIA', 'EASYPARK'] },
  {
    id: 'transport-jp',
    markets: JP,
    category: 'TRANSPORTATION',
    priority: PRIORITY.brand,
    // IC transit cards, topped up or charged automatically, and the railways.
    merchant: ['SUICA', 'MOBILE SUICA', 'PASMO', 'ICOCA', 'MANACA', 'TOICA', 'SUGOCA', 'NIMOCA', 'KITACA', 'JR (?:EAST|WEST|CENTRAL)', 'TOKYO METRO', 'TOEI', 'ENEOS', 'IDEMITSU'],
  },
  {
    id: 'utility-jp',
    markets: JP,
    category: 'RENT_AND_UTILITIES',
    priority: PRIORITY.incomeOrUtilityBrand,
    merchant: ['TEPCO', 'TOKYO GAS', 'OSAKA GAS', 'KANSAI ELECTRIC', 'DOCOMO', 'NTT (?:DOCOMO|EAST|WEST)', 'SOFTBANK', 'KDDI', 'RAKUTEN MOBILE', 'UQ MOBILE', 'YMOBILE'],
  },
];

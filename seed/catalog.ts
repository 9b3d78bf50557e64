/**
 * Static reference data the generator draws from: legal entities, roles, FX and the word lists
 * that make names. Kept apart from the generation code so the numbers that shape the demo firm
 * can be read (and tuned) in one place.
 */

/** One legal entity of the demo firm, in the order the tiers add them (S takes the first two). */
export interface LegalEntitySpec {
  readonly code: string;
  readonly name: string;
  readonly legalName: string;
  readonly country: string;
  readonly currency: string;
  /** May bill time of resources homed in other legal entities (NetSuite intercompany time). */
  readonly intercompany: boolean;
  /** An offshore delivery centre: its people mostly work on other entities' projects. */
  readonly deliveryCentre: boolean;
  /** Relative share of the firm's people. */
  readonly peopleWeight: number;
  /** Relative share of the firm's customers. */
  readonly customerWeight: number;
  /** Local bill-rate level relative to the US price list, before FX. */
  readonly priceLevel: number;
  readonly tax: {
    readonly jurisdiction: string;
    readonly code: string;
    readonly ratePercentE4: number;
    readonly registration: string | null;
  };
  /** E-mail domain of the entity's people. */
  readonly domain: string;
}

/** The firm's legal entities: US parent, UK, Canada, the India delivery centre, the acquired German firm, then L-tier entities. */
export const LEGAL_ENTITIES: readonly LegalEntitySpec[] = [
  {
    code: 'US01',
    name: 'Tessera Consulting US',
    legalName: 'Tessera Consulting, Inc.',
    country: 'US',
    currency: 'USD',
    intercompany: true,
    deliveryCentre: false,
    peopleWeight: 36,
    customerWeight: 45,
    priceLevel: 1,
    // Professional services are not taxable in most US states.
    tax: { jurisdiction: 'US', code: 'US-NT', ratePercentE4: 0, registration: 'EIN 84-2917734' },
    domain: 'us.tessera.example',
  },
  {
    code: 'UK01',
    name: 'Tessera Consulting UK',
    legalName: 'Tessera Consulting UK Ltd',
    country: 'GB',
    currency: 'GBP',
    intercompany: true,
    deliveryCentre: false,
    peopleWeight: 18,
    customerWeight: 20,
    priceLevel: 0.95,
    tax: { jurisdiction: 'GB', code: 'GB-VAT-STD', ratePercentE4: 200_000, registration: 'GB284915372' },
    domain: 'uk.tessera.example',
  },
  {
    code: 'CA01',
    name: 'Tessera Consulting Canada',
    legalName: 'Tessera Consulting Canada ULC',
    country: 'CA',
    currency: 'CAD',
    intercompany: true,
    deliveryCentre: false,
    peopleWeight: 10,
    customerWeight: 10,
    priceLevel: 0.9,
    tax: { jurisdiction: 'CA-ON', code: 'CA-HST-ON', ratePercentE4: 130_000, registration: '812345678RT0001' },
    domain: 'ca.tessera.example',
  },
  {
    code: 'IN01',
    name: 'Tessera Delivery Centre India',
    legalName: 'Tessera Consulting India Pvt Ltd',
    country: 'IN',
    currency: 'INR',
    intercompany: true,
    deliveryCentre: true,
    peopleWeight: 24,
    customerWeight: 3,
    priceLevel: 0.4,
    tax: { jurisdiction: 'IN-KA', code: 'IN-GST-18', ratePercentE4: 180_000, registration: '29ABCDE1234F1Z5' },
    domain: 'in.tessera.example',
  },
  {
    // The acquired firm: its customers live in the HubSpot CRM.
    code: 'DE01',
    name: 'Tessera Germany (Brandt Vogel)',
    legalName: 'Brandt & Vogel Beratung GmbH',
    country: 'DE',
    currency: 'EUR',
    intercompany: false,
    deliveryCentre: false,
    peopleWeight: 12,
    customerWeight: 15,
    priceLevel: 0.95,
    tax: { jurisdiction: 'DE', code: 'DE-UST-19', ratePercentE4: 190_000, registration: 'DE318274659' },
    domain: 'de.tessera.example',
  },
  {
    code: 'FR01',
    name: 'Tessera Consulting France',
    legalName: 'Tessera Conseil SAS',
    country: 'FR',
    currency: 'EUR',
    intercompany: true,
    deliveryCentre: false,
    peopleWeight: 8,
    customerWeight: 8,
    priceLevel: 0.9,
    tax: { jurisdiction: 'FR', code: 'FR-TVA-20', ratePercentE4: 200_000, registration: 'FR40123456789' },
    domain: 'fr.tessera.example',
  },
  {
    code: 'NL01',
    name: 'Tessera Consulting Netherlands',
    legalName: 'Tessera Consulting B.V.',
    country: 'NL',
    currency: 'EUR',
    intercompany: true,
    deliveryCentre: false,
    peopleWeight: 5,
    customerWeight: 5,
    priceLevel: 0.95,
    tax: { jurisdiction: 'NL', code: 'NL-BTW-21', ratePercentE4: 210_000, registration: 'NL812345678B01' },
    domain: 'nl.tessera.example',
  },
  {
    code: 'IE01',
    name: 'Tessera Consulting Ireland',
    legalName: 'Tessera Consulting Ireland Ltd',
    country: 'IE',
    currency: 'EUR',
    intercompany: true,
    deliveryCentre: false,
    peopleWeight: 4,
    customerWeight: 4,
    priceLevel: 0.95,
    tax: { jurisdiction: 'IE', code: 'IE-VAT-23', ratePercentE4: 230_000, registration: 'IE6388047V' },
    domain: 'ie.tessera.example',
  },
  {
    code: 'AU01',
    name: 'Tessera Consulting Australia',
    legalName: 'Tessera Consulting Pty Ltd',
    country: 'AU',
    currency: 'AUD',
    intercompany: true,
    deliveryCentre: false,
    peopleWeight: 7,
    customerWeight: 7,
    priceLevel: 0.9,
    tax: { jurisdiction: 'AU', code: 'AU-GST-10', ratePercentE4: 100_000, registration: 'ABN 51 824 753 556' },
    domain: 'au.tessera.example',
  },
  {
    code: 'SG01',
    name: 'Tessera Consulting Singapore',
    legalName: 'Tessera Consulting Pte Ltd',
    country: 'SG',
    currency: 'SGD',
    intercompany: true,
    deliveryCentre: false,
    peopleWeight: 4,
    customerWeight: 4,
    priceLevel: 0.8,
    tax: { jurisdiction: 'SG', code: 'SG-GST-9', ratePercentE4: 90_000, registration: '201912345K' },
    domain: 'sg.tessera.example',
  },
  {
    code: 'CH01',
    name: 'Tessera Consulting Switzerland',
    legalName: 'Tessera Consulting AG',
    country: 'CH',
    currency: 'CHF',
    intercompany: true,
    deliveryCentre: false,
    peopleWeight: 3,
    customerWeight: 3,
    priceLevel: 1.2,
    tax: { jurisdiction: 'CH', code: 'CH-MWST-8.1', ratePercentE4: 81_000, registration: 'CHE-123.456.789 MWST' },
    domain: 'ch.tessera.example',
  },
  {
    code: 'JP01',
    name: 'Tessera Consulting Japan',
    legalName: 'Tessera Consulting KK',
    country: 'JP',
    currency: 'JPY',
    intercompany: true,
    deliveryCentre: false,
    peopleWeight: 4,
    customerWeight: 3,
    priceLevel: 0.9,
    tax: { jurisdiction: 'JP', code: 'JP-CT-10', ratePercentE4: 100_000, registration: 'T1234567890123' },
    domain: 'jp.tessera.example',
  },
];

/** The acquired firm's legal entity: its customers are HubSpot companies. */
export const ACQUIRED_LEGAL_ENTITY = 'DE01';

/** USD value of one unit of each currency: a fixed table, so conversions are reproducible. */
export const USD_PER_UNIT: Readonly<Record<string, number>> = {
  USD: 1,
  GBP: 1.27,
  CAD: 0.73,
  INR: 0.012,
  EUR: 1.08,
  AUD: 0.66,
  SGD: 0.75,
  CHF: 1.13,
  JPY: 0.0067,
};

/** Rates are rounded to a step that looks like a price list in each currency. */
export const RATE_STEP: Readonly<Record<string, number>> = {
  USD: 5,
  GBP: 5,
  CAD: 5,
  INR: 50,
  EUR: 5,
  AUD: 5,
  SGD: 5,
  CHF: 5,
  JPY: 500,
};

/** A delivery role; tiers take the first 8, 14 or 20. */
export interface RoleSpec {
  readonly name: string;
  readonly level: number;
  readonly practice: string;
  /** Standard US bill rate per hour. */
  readonly usdBillRate: number;
  /** Relative headcount share. */
  readonly headcountWeight: number;
}

/** Delivery roles with US list rates (docs/demo-data.md#tiers: analyst 110–140 … partner 280–400). */
export const ROLES: readonly RoleSpec[] = [
  { name: 'Analyst', level: 1, practice: 'Advisory', usdBillRate: 125, headcountWeight: 14 },
  { name: 'Consultant', level: 2, practice: 'Advisory', usdBillRate: 165, headcountWeight: 18 },
  { name: 'Senior Consultant', level: 3, practice: 'Advisory', usdBillRate: 200, headcountWeight: 16 },
  { name: 'Manager', level: 4, practice: 'Advisory', usdBillRate: 240, headcountWeight: 9 },
  { name: 'Senior Manager', level: 5, practice: 'Advisory', usdBillRate: 270, headcountWeight: 5 },
  { name: 'Director', level: 6, practice: 'Advisory', usdBillRate: 310, headcountWeight: 3 },
  { name: 'Partner', level: 7, practice: 'Advisory', usdBillRate: 380, headcountWeight: 2 },
  { name: 'Project Manager', level: 4, practice: 'Delivery', usdBillRate: 225, headcountWeight: 6 },
  { name: 'Solution Architect', level: 5, practice: 'Technology', usdBillRate: 260, headcountWeight: 4 },
  { name: 'Data Engineer', level: 3, practice: 'Data', usdBillRate: 190, headcountWeight: 6 },
  { name: 'QA Engineer', level: 2, practice: 'Quality', usdBillRate: 140, headcountWeight: 5 },
  { name: 'Developer', level: 2, practice: 'Technology', usdBillRate: 160, headcountWeight: 9 },
  { name: 'Senior Developer', level: 3, practice: 'Technology', usdBillRate: 195, headcountWeight: 6 },
  { name: 'Engagement Manager', level: 5, practice: 'Delivery', usdBillRate: 265, headcountWeight: 3 },
  { name: 'Principal', level: 6, practice: 'Technology', usdBillRate: 330, headcountWeight: 2 },
  { name: 'Business Analyst', level: 2, practice: 'Advisory', usdBillRate: 150, headcountWeight: 5 },
  { name: 'UX Designer', level: 3, practice: 'Technology', usdBillRate: 175, headcountWeight: 3 },
  { name: 'Scrum Master', level: 3, practice: 'Delivery', usdBillRate: 185, headcountWeight: 3 },
  { name: 'Cloud Engineer', level: 3, practice: 'Technology', usdBillRate: 205, headcountWeight: 4 },
  { name: 'Security Consultant', level: 4, practice: 'Technology', usdBillRate: 245, headcountWeight: 3 },
];

/** Employee cost as a share of the standard bill rate (docs/demo-data.md#tiers: 40–55%). */
export const EMPLOYEE_COST_SHARE = 0.46;

/** Word lists for people, companies, offerings and notes. */
export const FIRST_NAMES: readonly string[] = [
  'Aisha',
  'Alex',
  'Amelia',
  'Ananya',
  'Arjun',
  'Ben',
  'Carlos',
  'Chloe',
  'Daniel',
  'Deepa',
  'Elena',
  'Emma',
  'Ethan',
  'Fatima',
  'Felix',
  'Grace',
  'Hannah',
  'Hiro',
  'Isabel',
  'Jack',
  'James',
  'Julia',
  'Kai',
  'Karan',
  'Laura',
  'Leon',
  'Lena',
  'Liam',
  'Lucas',
  'Maya',
  'Meera',
  'Mia',
  'Noah',
  'Nora',
  'Olivia',
  'Omar',
  'Priya',
  'Rahul',
  'Ravi',
  'Rosa',
  'Sam',
  'Sara',
  'Sofia',
  'Tom',
  'Uma',
  'Victor',
  'Wei',
  'Yusuf',
  'Zoe',
  'Anna',
  'David',
  'Eva',
  'Henrik',
  'Ines',
  'Jonas',
  'Klara',
  'Marco',
  'Nina',
  'Paul',
  'Rita',
];

export const LAST_NAMES: readonly string[] = [
  'Adams',
  'Agarwal',
  'Bauer',
  'Becker',
  'Brown',
  'Chen',
  'Clarke',
  'Costa',
  'Davies',
  'Dubois',
  'Evans',
  'Fischer',
  'Garcia',
  'Gupta',
  'Hall',
  'Hoffmann',
  'Iyer',
  'Jones',
  'Kapoor',
  'Khan',
  'Klein',
  'Kumar',
  'Lee',
  'Lopez',
  'Martin',
  'Meyer',
  'Miller',
  'Moreau',
  'Murphy',
  'Nair',
  'Nguyen',
  'Novak',
  'Okafor',
  'Patel',
  'Reddy',
  'Richter',
  'Roberts',
  'Rossi',
  'Schmidt',
  'Schulz',
  'Shah',
  'Singh',
  'Smith',
  'Suzuki',
  'Taylor',
  'Thomas',
  'Wagner',
  'Walker',
  'Weber',
  'Williams',
  'Wilson',
  'Wright',
  'Young',
  'Zimmermann',
];

export const COMPANY_PREFIXES: readonly string[] = [
  'Northwind',
  'Bluebay',
  'Redwood',
  'Silverline',
  'Ironbridge',
  'Brightwater',
  'Summit',
  'Harbor',
  'Evergreen',
  'Granite',
  'Crescent',
  'Pioneer',
  'Meridian',
  'Falcon',
  'Cobalt',
  'Juniper',
  'Sterling',
  'Beacon',
  'Atlas',
  'Orion',
  'Vanguard',
  'Keystone',
  'Lakeside',
  'Oakridge',
  'Riverstone',
  'Skyline',
  'Westbrook',
  'Horizon',
  'Copperfield',
  'Highland',
  'Clearwater',
  'Foxglove',
  'Maple',
  'Larkspur',
  'Northstar',
  'Aurora',
  'Bramble',
  'Cedar',
  'Driftwood',
  'Emberly',
  'Fairview',
  'Goldcrest',
  'Hawthorn',
  'Ivory',
  'Kingfisher',
  'Lighthouse',
  'Marigold',
  'Nimbus',
  'Oakmont',
  'Pinecrest',
  'Quarry',
  'Rosewood',
  'Sapphire',
  'Thistle',
];

export const COMPANY_CORES: readonly string[] = [
  'Analytics',
  'Logistics',
  'Health',
  'Energy',
  'Capital',
  'Foods',
  'Retail',
  'Systems',
  'Pharma',
  'Motors',
  'Insurance',
  'Telecom',
  'Media',
  'Aerospace',
  'Biotech',
  'Finance',
  'Manufacturing',
  'Utilities',
  'Software',
  'Mining',
  'Textiles',
  'Shipping',
  'Hotels',
  'Airlines',
  'Chemicals',
  'Semiconductors',
  'Robotics',
  'Education',
  'Bank',
];

export const COMPANY_SUFFIXES: readonly string[] = ['Inc.', 'Ltd', 'Group', 'plc', 'LLC', 'GmbH', 'Corp', 'Holdings', 'AG', 'SA'];

export const CITIES: readonly string[] = [
  'Boston',
  'Denver',
  'Austin',
  'Seattle',
  'Toronto',
  'Leeds',
  'Bristol',
  'Munich',
  'Hamburg',
  'Lyon',
  'Utrecht',
  'Cork',
  'Sydney',
  'Perth',
  'Osaka',
  'Zurich',
  'Pune',
  'Chennai',
  'Atlanta',
  'Phoenix',
];

export const INDUSTRIES: readonly string[] = [
  'Financial Services',
  'Healthcare',
  'Manufacturing',
  'Retail',
  'Energy',
  'Technology',
  'Telecommunications',
  'Public Sector',
  'Life Sciences',
  'Transportation',
  'Media',
  'Insurance',
];

export const SERVICE_OFFERINGS: readonly string[] = [
  'Data Platform Modernisation',
  'Cloud Migration',
  'ERP Implementation',
  'CRM Rollout',
  'Cybersecurity Assessment',
  'Operating Model Redesign',
  'Analytics Enablement',
  'Supply Chain Optimisation',
  'Digital Product Build',
  'Managed Application Support',
  'Finance Transformation',
  'Customer Experience Strategy',
  'Integration Services',
  'Test Automation',
  'AI Readiness Programme',
];

export const CONTACT_TITLES: readonly string[] = [
  'CFO',
  'CIO',
  'CTO',
  'VP Operations',
  'Head of Procurement',
  'Finance Director',
  'IT Director',
  'Programme Manager',
  'Head of Data',
  'Controller',
  'Accounts Payable Lead',
  'COO',
];

export const NOTES: readonly string[] = [
  'Workshop preparation',
  'Stakeholder interviews',
  'Design review',
  'Sprint delivery',
  'Status reporting',
  'Data migration',
  'Testing support',
  'Requirements session',
  'Steering committee',
  'Documentation',
];

export const LOSS_REASONS: readonly string[] = ['Price', 'Lost to competitor', 'No decision', 'Budget cut', 'Timing', 'Scope mismatch'];

/** Salesforce `StageName` and HubSpot `dealstage` per canonical stage: the CRM's own table. */
export { SOURCE_STAGES } from '../systems/crm/stages.ts';

/** The acquired firm's custom HubSpot pipeline uses numeric stage ids (docs/demo-data.md#fixtures #13). */
export const HUBSPOT_CUSTOM_STAGES: Readonly<Record<string, string>> = {
  PROSPECTING: '1187262',
  QUALIFIED: '1187263',
  PROPOSAL: '1187264',
  NEGOTIATION: '1187265',
  CLOSED_WON: '1187266',
  CLOSED_LOST: '1187267',
};

import type { Rng } from '../../random.js';

const FIRST = [
  'Acme',
  'Summit',
  'Harbor',
  'Cedar',
  'Pioneer',
  'Bluebird',
  'Granite',
  'Willow',
  'Northwind',
  'Redwood',
  'Silverline',
  'Maple',
  'Lakeside',
  'Ironwood',
  'Golden Gate',
  'Evergreen',
  'Coastal',
  'Prairie',
  'Riverside',
  'Sunset',
  'Highland',
  'Oakridge',
  'Beacon',
  'Falcon',
  'Juniper',
  'Keystone',
  'Meadow',
  'Orchard',
  'Pinecrest',
  'Quarry',
  'Sierra',
  'Tidewater',
  'Union',
  'Valley',
  'Westfield',
  "Amy's",
  "Bill's",
  'Dukes',
  'Freeman',
  "Geeta's",
  "Jeff's",
  'Kookies',
  "Mark's",
  'Paulsen',
  'Rondonuwu',
  'Shara',
  'Sushi',
  'Travis',
  'Video',
  'Weiskopf',
];
const SECOND = [
  'Bakery',
  'Landscaping',
  'Plumbing',
  'Electric',
  'Builders',
  'Dental',
  'Logistics',
  'Cafe',
  'Florist',
  'Auto Repair',
  'Consulting',
  'Design Studio',
  'Fitness',
  'Hardware',
  'Imports',
  'Kitchens',
  'Marine',
  'Outfitters',
  'Pet Supply',
  'Printing',
  'Roofing',
  'Signs',
  'Supply Co',
  'Tailors',
  'Vineyards',
  'Windows & Doors',
  'Bird Sanctuary',
  'Windsurf Shop',
  'Sporting Goods',
  'Fruit & Veg',
  'Market',
  'Catering',
  'Construction',
  'Veterinary',
  'Books',
];
const SUFFIX = ['', '', '', ' LLC', ' Inc', ' & Sons', ' Co', ' Group'];
const CITIES: ReadonlyArray<readonly [string, string, string]> = [
  ['Bayshore', 'CA', '94326'],
  ['Middlefield', 'CA', '94303'],
  ['Sunnyvale', 'CA', '94086'],
  ['Palo Alto', 'CA', '94303'],
  ['San Jose', 'CA', '95112'],
  ['Half Moon Bay', 'CA', '94213'],
  ['Tucson', 'AZ', '85719'],
  ['Portland', 'OR', '97201'],
  ['Austin', 'TX', '78701'],
  ['Denver', 'CO', '80202'],
];
const STREETS = [
  'Finch St.',
  'Main St.',
  'Oak Ave.',
  'Harbor Blvd.',
  'Ocean View Road',
  'Market St.',
  'Elm Dr.',
  'Park Lane',
];
const SITES = ['Warehouse', 'Downtown Store', 'North Site', 'Renovation', 'Phase 2', 'Annex', 'Retail Unit'];

/** Distinct, plausible small-business names; a counter suffix only when the word lists run out. */
export function businessNames(rng: Rng, count: number): string[] {
  const used = new Set<string>();
  const names: string[] = [];
  for (let i = 0; names.length < count; i++) {
    let name = `${rng.pick(FIRST)} ${rng.pick(SECOND)}${rng.pick(SUFFIX)}`;
    if (used.has(name)) name = `${name} ${Math.floor(i / 7) + 2}`;
    if (used.has(name)) continue;
    used.add(name);
    names.push(name);
  }
  return names;
}

export function jobName(rng: Rng, index: number): string {
  return `${rng.int(100, 9999)} ${rng.pick(STREETS)} ${rng.pick(SITES)}${index > 0 ? ` ${index + 1}` : ''}`;
}

export function address(rng: Rng, id: number): Record<string, string> {
  const [city, state, zip] = rng.pick(CITIES);
  return {
    Id: String(id),
    Line1: `${rng.int(10, 9999)} ${rng.pick(STREETS)}`,
    City: city,
    CountrySubDivisionCode: state,
    PostalCode: zip,
  };
}

export function emailFor(name: string): string {
  return `ap@${name
    .toLowerCase()
    .replace(/&/g, 'and')
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-|-$/g, '')}.example.com`;
}

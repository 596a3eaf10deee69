import { hashString } from './noise';

/**
 * A stand-in for the GeoLite2 City/ASN lookups of the Filebeat auth pipeline (`geoip` on
 * `source.ip`): a public address always resolves, to a plausible location chosen from the address,
 * so the same attacker IP always lands in the same place.
 */
interface GeoEntry {
  continent_name: string;
  country_iso_code: string;
  country_name: string;
  city_name?: string;
  region_iso_code?: string;
  region_name?: string;
  lat: number;
  lon: number;
  asn: number;
  org: string;
}

const LOCATIONS: readonly GeoEntry[] = [
  { continent_name: 'Asia', country_iso_code: 'CN', country_name: 'China', city_name: 'Shenzhen', region_iso_code: 'CN-GD', region_name: 'Guangdong', lat: 22.5333, lon: 114.1333, asn: 4134, org: 'CHINANET-BACKBONE' },
  { continent_name: 'Asia', country_iso_code: 'KR', country_name: 'South Korea', city_name: 'Seoul', region_iso_code: 'KR-11', region_name: 'Seoul', lat: 37.5112, lon: 126.9741, asn: 4766, org: 'Korea Telecom' },
  { continent_name: 'Europe', country_iso_code: 'RU', country_name: 'Russia', city_name: 'Moscow', region_iso_code: 'RU-MOW', region_name: 'Moscow', lat: 55.7527, lon: 37.6172, asn: 12389, org: 'PJSC Rostelecom' },
  { continent_name: 'North America', country_iso_code: 'US', country_name: 'United States', city_name: 'Ashburn', region_iso_code: 'US-VA', region_name: 'Virginia', lat: 39.0469, lon: -77.4903, asn: 14618, org: 'AMAZON-AES' },
  { continent_name: 'Europe', country_iso_code: 'NL', country_name: 'Netherlands', city_name: 'Amsterdam', region_iso_code: 'NL-NH', region_name: 'North Holland', lat: 52.3759, lon: 4.8975, asn: 14061, org: 'DIGITALOCEAN-ASN' },
  { continent_name: 'South America', country_iso_code: 'BR', country_name: 'Brazil', city_name: 'São Paulo', region_iso_code: 'BR-SP', region_name: 'Sao Paulo', lat: -23.5335, lon: -46.6359, asn: 28573, org: 'Claro NXT Telecomunicacoes Ltda' },
  { continent_name: 'Asia', country_iso_code: 'VN', country_name: 'Vietnam', city_name: 'Hanoi', region_iso_code: 'VN-HN', region_name: 'Hanoi', lat: 21.0292, lon: 105.8526, asn: 45899, org: 'VNPT Corp' },
  { continent_name: 'Europe', country_iso_code: 'DE', country_name: 'Germany', city_name: 'Frankfurt am Main', region_iso_code: 'DE-HE', region_name: 'Hesse', lat: 50.1188, lon: 8.6843, asn: 24940, org: 'Hetzner Online GmbH' },
  { continent_name: 'Asia', country_iso_code: 'IN', country_name: 'India', city_name: 'Mumbai', region_iso_code: 'IN-MH', region_name: 'Maharashtra', lat: 19.0748, lon: 72.8856, asn: 9829, org: 'National Internet Backbone' },
  { continent_name: 'Asia', country_iso_code: 'PH', country_name: 'Philippines', lat: 13.0, lon: 122.0, asn: 9299, org: 'Philippine Long Distance Telephone Company' },
];

export interface GeoLookup {
  geo: Record<string, unknown>;
  as: Record<string, unknown>;
}

export function lookupIp(ip: string): GeoLookup {
  const entry = LOCATIONS[hashString(ip) % LOCATIONS.length] ?? LOCATIONS[0];
  if (!entry) throw new Error('no geo locations');
  const geo: Record<string, unknown> = {
    continent_name: entry.continent_name,
    country_iso_code: entry.country_iso_code,
    country_name: entry.country_name,
    location: { lat: entry.lat, lon: entry.lon },
  };
  if (entry.city_name) geo.city_name = entry.city_name;
  if (entry.region_iso_code) geo.region_iso_code = entry.region_iso_code;
  if (entry.region_name) geo.region_name = entry.region_name;
  return { geo, as: { number: entry.asn, organization: { name: entry.org } } };
}

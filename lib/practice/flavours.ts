import type { Flavor } from './engine/api';

/**
 * What differs between the two simulated Elasticsearch generations. Values are those of the real
 * releases (8.15.0 and 7.17.0 `GET /` answers) so version probes and client product checks behave
 * exactly as against Elastic Cloud.
 */
export interface FlavourInfo {
  flavor: Flavor;
  version: string;
  buildHash: string;
  buildDate: string;
  luceneVersion: string;
  minimumWireCompatibilityVersion: string;
  minimumIndexCompatibilityVersion: string;
  /** `compatible-with=N` values this generation accepts in Accept/Content-Type. */
  compatibleWith: readonly number[];
  /** ECS version Beats of this generation stamp into `ecs.version`. */
  beatsEcsVersion: string;
  /** Data streams (8.x default) or daily indices (what 7.x Beats write without ILM). */
  beatsWriteMode: 'data_stream' | 'daily_index';
  /** Whether `_security/api_key` answers carry `encoded` (7.16+, so both flavours). */
  apiKeyEncoded: boolean;
}

const FLAVOURS: Record<Flavor, FlavourInfo> = {
  '8': {
    flavor: '8',
    version: '8.15.0',
    buildHash: '1a77947f34deddb41af25e6f0ddb8e830159c179',
    buildDate: '2024-08-05T10:05:34.233336849Z',
    luceneVersion: '9.11.1',
    minimumWireCompatibilityVersion: '7.17.0',
    minimumIndexCompatibilityVersion: '7.0.0',
    compatibleWith: [7, 8],
    beatsEcsVersion: '8.0.0',
    beatsWriteMode: 'data_stream',
    apiKeyEncoded: true,
  },
  '7': {
    flavor: '7',
    version: '7.17.0',
    buildHash: 'bee86328705acaa9a6daede7140defd4d9ec56bd',
    buildDate: '2022-01-28T08:36:04.875279988Z',
    luceneVersion: '8.11.1',
    minimumWireCompatibilityVersion: '6.8.0',
    minimumIndexCompatibilityVersion: '6.0.0-beta1',
    compatibleWith: [7],
    beatsEcsVersion: '1.12.0',
    beatsWriteMode: 'daily_index',
    apiKeyEncoded: true,
  },
};

export function flavourInfo(flavor: Flavor): FlavourInfo {
  return FLAVOURS[flavor];
}

export const TAGLINE = 'You Know, for Search';

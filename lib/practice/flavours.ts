import type { Flavor } from './engine/api';

/**
 * What differs between the simulated Elasticsearch generations. Values are those of the real
 * releases (the 9.1.3, 8.15.0 and 7.17.0 `GET /` answers) so version probes and client product
 * checks behave exactly as against Elastic Cloud.
 */
export interface FlavourInfo {
  flavor: Flavor;
  version: string;
  buildHash: string;
  buildDate: string;
  luceneVersion: string;
  minimumWireCompatibilityVersion: string;
  minimumIndexCompatibilityVersion: string;
  /** `compatible-with=N` values this generation accepts in Accept/Content-Type, oldest first. */
  compatibleWith: readonly number[];
  /** The bundled JDK `_nodes` reports. */
  jvmVersion: string;
  /** `_nodes` `index_version` and `transport_version` (8.x and later), where known. */
  indexVersion?: number;
  transportVersion?: number;
  /** ECS version Beats of this generation stamp into `ecs.version`. */
  beatsEcsVersion: string;
  /** Data streams (8.x default) or daily indices (what 7.x Beats write without ILM). */
  beatsWriteMode: 'data_stream' | 'daily_index';
  /** Whether `_security/api_key` answers carry `encoded` (7.16+, so both flavours). */
  apiKeyEncoded: boolean;
}

const FLAVOURS: Record<Flavor, FlavourInfo> = {
  // A 9.1.3 docker build's `GET /` (the answer published in Elastic's AutoOps set-up guide and
  // elsewhere); 9.x accepts the 8.x clients' compatible-with=8 (ES-REFERENCE.md 2.3).
  '9': {
    flavor: '9',
    version: '9.1.3',
    buildHash: '0c781091a2f57de895a73a1391ff8426c0153c8d',
    buildDate: '2025-08-24T22:05:04.526302670Z',
    luceneVersion: '10.2.2',
    minimumWireCompatibilityVersion: '8.19.0',
    minimumIndexCompatibilityVersion: '8.0.0',
    compatibleWith: [8, 9],
    // 9.1 bundles a JDK 24 (the patch release is not verified).
    jvmVersion: '24.0.2',
    // IndexVersions.java: MATCH_ONLY_TEXT_STORED_AS_BYTES, the last index version of 9.1.0.
    indexVersion: 9_033_000,
    beatsEcsVersion: '8.0.0',
    beatsWriteMode: 'data_stream',
    apiKeyEncoded: true,
  },
  '8': {
    flavor: '8',
    version: '8.15.0',
    buildHash: '1a77947f34deddb41af25e6f0ddb8e830159c179',
    buildDate: '2024-08-05T10:05:34.233336849Z',
    luceneVersion: '9.11.1',
    minimumWireCompatibilityVersion: '7.17.0',
    minimumIndexCompatibilityVersion: '7.0.0',
    compatibleWith: [7, 8],
    jvmVersion: '22.0.1',
    indexVersion: 8_512_000,
    transportVersion: 8_702_002,
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
    jvmVersion: '17.0.1',
    beatsEcsVersion: '1.12.0',
    beatsWriteMode: 'daily_index',
    apiKeyEncoded: true,
  },
};

export function flavourInfo(flavor: Flavor): FlavourInfo {
  return FLAVOURS[flavor];
}

export const TAGLINE = 'You Know, for Search';

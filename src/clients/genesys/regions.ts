/**
 * Genesys Cloud regions are named by their domain (`mypurecloud.com`, `mypurecloud.ie`, `usw2.pure.cloud`, …);
 * each region serves the Platform API at `api.<domain>`, OAuth at `login.<domain>` and attachment downloads at
 * `api-downloads.<domain>` (Genesys developer center, "Platform API" regions and endpoints).
 */
export interface GenesysHosts {
  api: string;
  login: string;
  downloads: string;
}

const regionPattern = /^[a-z0-9-]+(\.[a-z0-9-]+)+$/;

export const isGenesysRegion = (value: string): boolean => regionPattern.test(value);

const assertRegion = (region: string): void => {
  // Regions come from validated tenant data; anything else reaching here is a programming error.
  if (!isGenesysRegion(region)) throw new RangeError('not a Genesys region domain');
};

export const genesysHosts = (region: string): GenesysHosts => {
  assertRegion(region);
  return { api: `api.${region}`, login: `login.${region}`, downloads: `api-downloads.${region}` };
};

/**
 * The Genesys Cloud regions there are (the region hosts of Genesys' own platform client, purecloud-platform-client-v2
 * PureCloudRegionHosts). A tenant's region becomes the host its OAuth secret and API calls go to, so a region
 * outside this list would send them to whoever owns that domain.
 */
export const GENESYS_CLOUD_REGIONS: readonly string[] = [
  'mypurecloud.com', // us-east-1
  'use2.us-gov-pure.cloud', // us-east-2 (FedRAMP)
  'usw2.pure.cloud', // us-west-2
  'cac1.pure.cloud', // ca-central-1
  'sae1.pure.cloud', // sa-east-1
  'mypurecloud.ie', // eu-west-1
  'euw2.pure.cloud', // eu-west-2
  'mypurecloud.de', // eu-central-1
  'euc2.pure.cloud', // eu-central-2
  'mec1.pure.cloud', // me-central-1
  'aps1.pure.cloud', // ap-south-1
  'apne2.pure.cloud', // ap-northeast-2
  'mypurecloud.jp', // ap-northeast-1
  'apne3.pure.cloud', // ap-northeast-3
  'mypurecloud.com.au', // ap-southeast-2
];

export const isKnownGenesysRegion = (value: string): boolean => GENESYS_CLOUD_REGIONS.includes(value);

/** Defaults of GENESYS_API_URL_TEMPLATE and GENESYS_LOGIN_URL_TEMPLATE. */
export const defaultApiUrlTemplate = 'https://api.{region}';
export const defaultLoginUrlTemplate = 'https://login.{region}';

/**
 * Whether tenants may name any region-shaped domain: only when Genesys is reached through templates other than
 * the defaults (a simulator, a test double), where the region does not choose the host that gets the secrets.
 */
export const anyGenesysRegionAllowed = (templates: {
  GENESYS_API_URL_TEMPLATE: string;
  GENESYS_LOGIN_URL_TEMPLATE: string;
}): boolean =>
  templates.GENESYS_API_URL_TEMPLATE !== defaultApiUrlTemplate ||
  templates.GENESYS_LOGIN_URL_TEMPLATE !== defaultLoginUrlTemplate;

/**
 * Fills `{region}` in a URL template (a simulator's template may have no placeholder at all:
 * `http://127.0.0.1:4010`). The result has no trailing slash.
 */
export const urlFromTemplate = (template: string, region: string): string => {
  assertRegion(region);
  const url = template.split('{region}').join(region).replace(/\/+$/, '');
  // A template that does not produce a URL is a configuration error caught at start; here it is a bug.
  new URL(url);
  return url;
};

/** The hosts attachments may come from when GENESYS_DOWNLOAD_HOSTS is not set: the region's download host. */
export const defaultDownloadHosts = (region: string): string[] => [genesysHosts(region).downloads];

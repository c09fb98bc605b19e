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

/** Defaults of GENESYS_API_URL_TEMPLATE and GENESYS_LOGIN_URL_TEMPLATE. */
export const defaultApiUrlTemplate = 'https://api.{region}';
export const defaultLoginUrlTemplate = 'https://login.{region}';

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

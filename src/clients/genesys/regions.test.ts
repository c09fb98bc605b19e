import {
  anyGenesysRegionAllowed,
  defaultApiUrlTemplate,
  defaultDownloadHosts,
  defaultLoginUrlTemplate,
  GENESYS_CLOUD_REGIONS,
  genesysHosts,
  isGenesysRegion,
  isKnownGenesysRegion,
  urlFromTemplate,
} from './regions';

describe('Genesys regions', () => {
  it('derives the api, login and download hosts from the region domain', () =>
    expect(genesysHosts('usw2.pure.cloud')).toEqual({
      api: 'api.usw2.pure.cloud',
      login: 'login.usw2.pure.cloud',
      downloads: 'api-downloads.usw2.pure.cloud',
    }));

  it('fills {region} in URL templates and drops a trailing slash', () => {
    expect(urlFromTemplate('https://api.{region}', 'mypurecloud.ie')).toBe('https://api.mypurecloud.ie');
    expect(urlFromTemplate('https://login.{region}/', 'mypurecloud.com')).toBe(
      'https://login.mypurecloud.com',
    );
  });

  it('accepts a template without placeholder (a simulator on loopback)', () =>
    expect(urlFromTemplate('http://127.0.0.1:4010', 'mypurecloud.com')).toBe('http://127.0.0.1:4010'));

  it('allows downloads from the region download host by default', () =>
    expect(defaultDownloadHosts('mypurecloud.ie')).toEqual(['api-downloads.mypurecloud.ie']));

  it('refuses a region that is not a domain (it would let a tenant point the bridge anywhere)', () => {
    expect(isGenesysRegion('mypurecloud.com')).toBe(true);
    expect(isGenesysRegion('evil.com/x?')).toBe(false);
    expect(isGenesysRegion('localhost')).toBe(false);
    expect(() => genesysHosts('evil.com/@x')).toThrow(RangeError);
    expect(() => urlFromTemplate('https://api.{region}', 'a b')).toThrow(RangeError);
  });
});

describe('known Genesys Cloud regions', () => {
  it('knows the regions of Genesys Cloud, and nothing merely shaped like one', () => {
    expect(GENESYS_CLOUD_REGIONS).toHaveLength(15);
    for (const region of GENESYS_CLOUD_REGIONS) expect(isGenesysRegion(region)).toBe(true);
    expect(isKnownGenesysRegion('usw2.pure.cloud')).toBe(true);
    expect(isKnownGenesysRegion('use2.us-gov-pure.cloud')).toBe(true);
    expect(isKnownGenesysRegion('evil.pure.cloud')).toBe(false);
  });

  it('allows any region only when a URL template is not the default', () => {
    const defaults = {
      GENESYS_API_URL_TEMPLATE: defaultApiUrlTemplate,
      GENESYS_LOGIN_URL_TEMPLATE: defaultLoginUrlTemplate,
    };
    expect(anyGenesysRegionAllowed(defaults)).toBe(false);
    expect(anyGenesysRegionAllowed({ ...defaults, GENESYS_API_URL_TEMPLATE: 'http://127.0.0.1:4010' })).toBe(
      true,
    );
    expect(
      anyGenesysRegionAllowed({ ...defaults, GENESYS_LOGIN_URL_TEMPLATE: 'http://127.0.0.1:4010' }),
    ).toBe(true);
  });
});

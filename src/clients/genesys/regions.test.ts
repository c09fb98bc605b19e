import { defaultDownloadHosts, genesysHosts, isGenesysRegion, urlFromTemplate } from './regions';

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

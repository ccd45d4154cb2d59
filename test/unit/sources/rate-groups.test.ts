import { describe, expect, it } from 'vitest';
import { pathOf, routeGroupOf } from '../../../src/archive/sources/rate-groups.ts';

describe('routeGroupOf', () => {
  it.each([
    ['POST', '/restapi/oauth/token', 'Auth'],
    ['GET', '/restapi/v1.0/account/~/call-log', 'Heavy'],
    ['GET', '/restapi/v1.0/account/~/extension/62/call-log/IVWtSyis720zMEA', 'Heavy'],
    ['GET', '/restapi/v1.0/account/~/call-log-sync', 'Heavy'],
    ['GET', '/restapi/v1.0/account/~/call-log-extract-sync', 'Heavy'],
    ['GET', 'https://media.ringcentral.com:443/restapi/v1.0/account/1/recording/1662272004/content', 'Heavy'],
    ['GET', '/restapi/v1.0/account/~/recording/1662272004', 'Heavy'],
    ['POST', '/restapi/v1.0/account/~/message-store-report', 'Heavy'],
    ['GET', '/restapi/v1.0/account/~/message-store-report/t-1/archive', 'Heavy'],
    ['GET', 'https://media.example/restapi/v1.0/account/1/message-store-report/t-1/archive/0', 'Heavy'],
    ['GET', '/restapi/v1.0/account/~/extension/62/message-store', 'Light'],
    ['GET', '/restapi/v1.0/account/~/extension/62/message-store/402406985008', 'Light'],
    [
      'GET',
      'https://media.ringcentral.com/restapi/v1.0/account/1/extension/62/message-store/5/content/5',
      'Medium',
    ],
    ['GET', '/restapi/v1.0/account/~/extension', 'Medium'],
    ['GET', '/restapi/v1.0/account/~/extension/~', 'Light'],
    ['GET', '/restapi/v1.0/account/~', 'Light'],
    // The Subscription API (spec x-throttling-group): create, update, delete Medium; reads, renew Light.
    ['GET', '/restapi/v1.0/subscription', 'Light'],
    ['POST', '/restapi/v1.0/subscription', 'Medium'],
    ['GET', '/restapi/v1.0/subscription/dd2f0ff2-580e', 'Light'],
    ['PUT', '/restapi/v1.0/subscription/dd2f0ff2-580e', 'Medium'],
    ['DELETE', '/restapi/v1.0/subscription/dd2f0ff2-580e', 'Medium'],
    ['POST', '/restapi/v1.0/subscription/dd2f0ff2-580e/renew', 'Light'],
  ])('%s %s is %s', (method, path, group) => {
    expect(routeGroupOf(method, path).group).toBe(group);
  });

  it('follows a navigation link with its query to the same group as the first page', () => {
    const next =
      'https://platform.ringcentral.com/restapi/v1.0/account/1/call-log?view=Detailed&page=2&perPage=1000';
    expect(routeGroupOf('GET', next)).toEqual({ route: 'call-log', group: 'Heavy' });
  });

  it('keeps call-recording settings (Light) apart from recordings (Heavy)', () => {
    expect(routeGroupOf('GET', '/restapi/v1.0/account/~/call-recording').route).not.toBe('recording');
  });

  it('treats a different method on a known path as another operation', () => {
    expect(routeGroupOf('DELETE', '/restapi/v1.0/account/~/extension/62/message-store/5').route).toBe(
      'other',
    );
  });

  it('assumes Heavy for anything it does not know', () => {
    expect(routeGroupOf('GET', '/restapi/v1.0/account/~/presence')).toEqual({
      route: 'other',
      group: 'Heavy',
    });
  });
});

describe('pathOf', () => {
  it('drops host, query and fragment', () => {
    expect(pathOf('https://h:443/restapi/v1.0/x?access_token=secret#f')).toBe('/restapi/v1.0/x');
    expect(pathOf('/restapi/v1.0/x?page=2')).toBe('/restapi/v1.0/x');
  });
});

import request from 'supertest';
import type { TestStack } from './stack.ts';

/**
 * A browser's part in the OAuth flows, done over HTTP: follow the app's redirect to a simulator's
 * consent page, post the consent form as a browser would, and bring the callback back to the app
 * with the same cookie jar.
 */
export class BrowserFlow {
  readonly agent: ReturnType<typeof request.agent>;
  private readonly stack: TestStack;

  constructor(stack: TestStack) {
    this.stack = stack;
    this.agent = request.agent(stack.app);
  }

  /** Starts an authorization at the app and returns the provider's authorize URL it redirected to. */
  async start(path: string): Promise<URL> {
    const res = await this.agent.get(path).expect(302);
    return new URL(res.headers.location as string);
  }

  /** Posts the consent form of a simulator; returns the callback URL the browser is sent to. */
  async consent(authorizeUrl: URL, fields: Record<string, string>): Promise<URL> {
    const form = new URLSearchParams(authorizeUrl.searchParams);
    for (const [k, v] of Object.entries(fields)) form.set(k, v);
    const res = await fetch(`${authorizeUrl.origin}${authorizeUrl.pathname}`, {
      method: 'POST',
      body: form,
      redirect: 'manual',
    });
    const location = res.headers.get('location');
    if (!location) throw new Error(`consent answered ${res.status}: ${await res.text()}`);
    return new URL(location);
  }

  /** Delivers a provider's redirect to the app (path and query only: the app runs in-process). */
  callback(url: URL) {
    return this.agent.get(`${url.pathname}${url.search}`);
  }

  async signInWithRingCentral(login = '101'): Promise<request.Response> {
    const authorize = await this.start('/connect/ringcentral');
    return this.callback(await this.consent(authorize, { login, decision: 'allow' }));
  }

  /** Adds one more RingCentral user on the settings page: the add-user sign-in as `login`. */
  async addRingCentralUser(login: string): Promise<request.Response> {
    const authorize = await this.start('/connect/ringcentral?purpose=add-user');
    return this.callback(await this.consent(authorize, { login, decision: 'allow' }));
  }

  async connectDropbox(account = 'archive@example.com'): Promise<request.Response> {
    const authorize = await this.start('/connect/dropbox');
    return this.callback(await this.consent(authorize, { account, decision: 'allow' }));
  }

  /**
   * Connects an SFTP server through its form, as an admin would: submit the address and login,
   * read the host key fingerprint the page shows, confirm it with the key, and submit again.
   * Returns the page that asked for confirmation and the final response.
   */
  async connectSftp(
    fields: Record<string, string>,
  ): Promise<{ confirm: request.Response; done: request.Response }> {
    const csrf = await this.csrfToken('/connect/sftp');
    const confirm = await this.agent
      .post('/connect/sftp')
      .type('form')
      .send({ _csrf: csrf, ...fields, privateKey: '', hostKeyFingerprint: '' });
    const shown = /fingerprint (SHA256:[A-Za-z0-9+/]+)/.exec(confirm.text)?.[1];
    if (!shown)
      throw new Error(
        `the SFTP form showed no fingerprint (${confirm.status}): ${confirm.text.slice(0, 400)}`,
      );
    const done = await this.agent
      .post('/connect/sftp')
      .type('form')
      .send({ _csrf: await this.csrfToken('/connect/sftp'), ...fields, hostKeyFingerprint: shown });
    return { confirm, done };
  }

  /** The CSRF token from a signed-in page's forms. */
  async csrfToken(path = '/dashboard'): Promise<string> {
    const res = await this.agent.get(path).expect(200);
    const match = /name="_csrf" value="([^"]+)"/.exec(res.text);
    if (!match) throw new Error(`no CSRF token on ${path}`);
    return match[1]!;
  }
}

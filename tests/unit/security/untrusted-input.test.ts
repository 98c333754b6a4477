import { loadEnvironment } from '../../../config';
import { clientFor } from '../../../connectors/connect/environment-client';
import { isLoopbackHost, serviceUrlProblem } from '../../../connectors/connect/service-url';
import { codeBlock, codeSpan, htmlText, printable } from '../../../connectors/connect/untrusted-text';
import { generatedSecret } from '../../support/generated-secret';

/**
 * Untrusted input that has no single home: an environment name from the command line, a worker
 * URL from a flag, and the text helpers every output of server text goes through.
 */

describe('--env names that are properties of every object', () => {
  it.each(['constructor', '__proto__', 'toString', 'hasOwnProperty'])('%s is an unknown environment, said plainly', (name) => {
    expect(() => loadEnvironment(name)).toThrow(`unknown environment ${JSON.stringify(name)} (known: local, local-standin, staging, production)`);
  });
});

describe('--connect-url, checked before any request', () => {
  const staging = loadEnvironment('staging');
  const credentials = { CONNECT_USERNAME: 'planner', CONNECT_PASSWORD: generatedSecret('password'), CDCCTL_RETRIES: '5' };

  it('file:///etc/passwd fails at once, not after six retries', () => {
    const requests: string[] = [];
    expect(() => clientFor(loadEnvironment('staging', { connectUrl: 'file:///etc/passwd' }), (method, path) => requests.push(`${method} ${path}`), credentials)).toThrow(
      'Kafka Connect URL: must be an http(s) URL (got "file:///etc/passwd")',
    );
    expect(requests).toEqual([]);
  });

  it('a URL carrying user:password@ is refused, and the message does not repeat the password', () => {
    const password = generatedSecret('password');
    const create = () => clientFor(loadEnvironment('staging', { connectUrl: `http://admin:${password}@connect:8083` }), undefined, credentials);
    expect(create).toThrow(/must not carry credentials/);
    expect(create).not.toThrow(password);
  });

  it("the environment's own URL is accepted", () => {
    expect(clientFor(staging, undefined, credentials).url).toBe(staging.connect.url);
  });
});

describe('service URLs', () => {
  it('https wherever credentials would cross a network; plain http for this machine only', () => {
    const rules = { httpsUnlessLoopback: true };
    expect(serviceUrlProblem('https://services.example.net/api', rules)).toBeUndefined();
    expect(serviceUrlProblem('http://127.0.0.1:9/api', rules)).toBeUndefined();
    expect(serviceUrlProblem('http://[::1]:9/api', rules)).toBeUndefined();
    expect(serviceUrlProblem('http://services.example.net/api', rules)).toMatch(/must be https/);
    expect(serviceUrlProblem('http://127.0.0.1.example.net/api', rules)).toMatch(/must be https/);
    expect(isLoopbackHost('localhost')).toBe(true);
    expect(isLoopbackHost('128.0.0.1')).toBe(false);
  });
});

describe('server text in a terminal or a comment', () => {
  it('drops ANSI sequences, shows other control characters, and caps the length', () => {
    expect(printable('\u001b[31mred\u001b[0m \u001b]0;title\u0007bell\u0007 \u202eevil\u0000')).toBe('red bell\\u0007 \\u202eevil\\u0000');
    expect(printable('a\nb')).toBe('a\\nb');
    expect(printable('a\r\nb', { keepNewlines: true })).toBe('a\nb');
    expect(printable('x'.repeat(1_000), { maxLength: 10 })).toBe(`${'x'.repeat(10)}… (990 more characters not shown)`);
  });

  it('a code span is longer than any backtick run inside, and one line', () => {
    expect(codeSpan('plain')).toBe('`plain`');
    expect(codeSpan('a`b')).toBe('``a`b``');
    expect(codeSpan('`start')).toBe('`` `start ``');
    expect(codeSpan('a|b\nc', { inTable: true })).toBe('`a\\|b\\nc`');
  });

  it('a fenced block is longer than any backtick run inside, and at least three', () => {
    expect(codeBlock('x')).toEqual(['```', 'x', '```']);
    expect(codeBlock('a\n````\nb', 'diff')).toEqual(['`````diff', 'a\n````\nb', '`````']);
  });

  it('HTML text has its markup as entities', () => {
    expect(htmlText('<img src=x onerror="a">&')).toBe('&#60;img src=x onerror=&#34;a&#34;&#62;&#38;');
  });
});

import {
  extractUsernameToken,
  FAULTS,
  faultStatus,
  parseDurationMs,
  parseSoapRequest,
  passwordDigest,
  soapEnvelope,
  soapFault,
  SoapParseError,
  verifyUsernameToken,
} from './soap';

const NONCE = Buffer.from('0123456789abcdef').toString('base64');
const CREATED = '2026-11-23T10:00:00.000Z';

function securedEnvelope(user: string, digest: string, nonce = NONCE, created = CREATED): string {
  return (
    `<s:Envelope xmlns:s="http://www.w3.org/2003/05/soap-envelope"><s:Header>` +
    `<Security s:mustUnderstand="1" xmlns="http://docs.oasis-open.org/wss/2004/01/oasis-200401-wss-wssecurity-secext-1.0.xsd">` +
    `<UsernameToken><Username>${user}</Username>` +
    `<Password Type="http://docs.oasis-open.org/wss/2004/01/oasis-200401-wss-username-token-profile-1.0#PasswordDigest">${digest}</Password>` +
    `<Nonce EncodingType="http://docs.oasis-open.org/wss/2004/01/oasis-200401-wss-soap-message-security-1.0#Base64Binary">${nonce}</Nonce>` +
    `<Created xmlns="http://docs.oasis-open.org/wss/2004/01/oasis-200401-wss-wssecurity-utility-1.0.xsd">${created}</Created>` +
    `</UsernameToken></Security></s:Header><s:Body><GetProfiles xmlns="http://www.onvif.org/ver10/media/wsdl"/></s:Body></s:Envelope>`
  );
}

describe('SOAP envelopes', () => {
  it('declares the camera prefixes on the root and wraps the body', () => {
    const xml = soapEnvelope('<tds:GetHostnameResponse/>');
    for (const p of ['env', 'tds', 'trt', 'tptz', 'tev', 'tt', 'wsnt', 'wsa', 'tns1', 'ter']) {
      expect(xml).toContain(`xmlns:${p}="`);
    }
    expect(xml).toContain('<env:Body><tds:GetHostnameResponse/></env:Body>');
  });

  it.each([
    [FAULTS.notAuthorized(), 'env:Sender', 'ter:NotAuthorized', 400],
    [FAULTS.wellFormed('x'), 'env:Sender', 'ter:WellFormed', 400],
    [FAULTS.actionNotSupported('Foo'), 'env:Receiver', 'ter:ActionNotSupported', 500],
    [FAULTS.noProfile('P'), 'env:Sender', 'ter:NoProfile', 400],
  ])('fault %#: code, subcode and HTTP status', (fault, code, subcode, status) => {
    const xml = soapFault(fault);
    expect(xml).toContain(`<env:Value>${code}</env:Value>`);
    expect(xml).toContain(`<env:Subcode><env:Value>${subcode}</env:Value></env:Subcode>`);
    expect(xml).toContain('<env:Text xml:lang="en">');
    expect(faultStatus(fault)).toBe(status);
  });

  it('escapes text in faults', () => {
    expect(soapFault(FAULTS.wellFormed('<a & b>'))).toContain('&lt;a &amp; b&gt;');
  });

  it.each([
    ['<s:Envelope><s:Body><Foo', 'malformed'],
    ['<a/>', 'not an envelope'],
    ['<s:Envelope xmlns:s="x"><s:Header/></s:Envelope>', 'no body'],
    ['<s:Envelope xmlns:s="x"><s:Body></s:Body></s:Envelope>', 'empty body'],
  ])('rejects %s (%s)', (xml) => {
    expect(() => parseSoapRequest(xml)).toThrow(SoapParseError);
  });

  it('finds the action whatever the prefix', () => {
    const r = parseSoapRequest(
      '<e:Envelope xmlns:e="http://www.w3.org/2003/05/soap-envelope"><e:Body><tptz:Stop xmlns:tptz="x"><tptz:ProfileToken>P</tptz:ProfileToken></tptz:Stop></e:Body></e:Envelope>',
    );
    expect(r.action).toBe('Stop');
    expect(r.body['ProfileToken']).toBe('P');
  });
});

describe('WS-Security UsernameToken', () => {
  // Reference value computed independently: base64(sha1(nonce ‖ created ‖ password)).
  it.each([
    ['sim12345', 'Y+Iy2IkXXIZAOsl/JC0SZs+jHgY='],
    ['', '5Max0jJPgTwJGHgtMIFO+3ejD6k='],
  ])('digest for password %p', (password, expected) => {
    expect(passwordDigest(NONCE, CREATED, password)).toBe(expected);
  });

  const now = Date.parse(CREATED);
  const good = passwordDigest(NONCE, CREATED, 'sim12345');
  it.each([
    ['correct', 'admin', good, CREATED, now, 'ok'],
    ['wrong user', 'root', good, CREATED, now, 'bad-user'],
    ['wrong password', 'admin', passwordDigest(NONCE, CREATED, 'nope'), CREATED, now, 'bad-password'],
    ['clock skew within minutes', 'admin', good, CREATED, now + 4 * 60_000, 'ok'],
    ['created too old', 'admin', good, CREATED, now + 10 * 60_000, 'expired'],
    ['created in the future', 'admin', good, CREATED, now - 10 * 60_000, 'expired'],
    ['created unparseable', 'admin', good, 'yesterday', now, 'malformed'],
  ])('%s', (_name, user, digest, created, at, verdict) => {
    const token = extractUsernameToken(
      parseSoapRequest(securedEnvelope(user, digest, NONCE, created)).header,
    )!;
    expect(
      verifyUsernameToken(token, { username: 'admin', password: 'sim12345', now: at, skewMs: 5 * 60_000 }),
    ).toBe(verdict);
  });

  it('rejects a replayed nonce', () => {
    const seen = new Set<string>();
    const remember = (k: string): boolean => (seen.has(k) ? false : (seen.add(k), true));
    const token = extractUsernameToken(parseSoapRequest(securedEnvelope('admin', good)).header)!;
    const opts = { username: 'admin', password: 'sim12345', now, skewMs: 300_000, rememberNonce: remember };
    expect(verifyUsernameToken(token, opts)).toBe('ok');
    expect(verifyUsernameToken(token, opts)).toBe('replayed');
  });
});

describe('parseDurationMs', () => {
  it.each([
    ['PT60S', 60_000],
    ['PT1M', 60_000],
    ['PT1M30S', 90_000],
    ['PT0.5S', 500],
    ['P1D', 86_400_000],
    ['PT2H', 7_200_000],
    ['garbage', undefined],
    [undefined, undefined],
  ])('%p → %p', (value, ms) => {
    expect(parseDurationMs(value)).toBe(ms);
  });

  it('treats an absolute time as the distance from now', () => {
    expect(parseDurationMs('2026-01-01T00:01:00Z', Date.parse('2026-01-01T00:00:00Z'))).toBe(60_000);
  });
});

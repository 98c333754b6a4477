import { findSecretLiterals } from './secret-scan';
import { generatedSecret } from '../../support/generated-secret';

const LEAKED = generatedSecret('password');

/** The scanner the security invariants rely on must find what it is there to find. */
describe('findSecretLiterals', () => {
  const reasons = (json: unknown) => findSecretLiterals(json, 'stack.json').map((finding) => `${finding.path}: ${finding.reason}`);

  it('passes references and placeholders', () => {
    expect(
      reasons({
        resource: {
          user: { password: '${jsondecode(data.x.secret_string).password}' },
          version: { secret_string_wo: '${jsonencode({"password" = ephemeral.aws_secretsmanager_random_password.p.random_password})}' },
          config: { data: { CONNECT_SASL_JAAS_CONFIG: 'ScramLoginModule required username="u" password="$${dir:/etc/connect-secrets:kafka-scram-password}";' } },
          placeholder: { password: '${dir:/etc/connect-secrets:warehouse-password}' },
          uri: { value: 'format("mongodb+srv://%s:%s@%s/", "u", ephemeral.p.random_password, "h")' },
        },
      }),
    ).toEqual([]);
  });

  it('finds a literal under a credential key', () => {
    expect(reasons({ resource: { user: { password: LEAKED } } })).toEqual(['resource.user.password: credential key "password" holds a literal']);
  });

  it('finds a literal secret string', () => {
    expect(reasons({ version: { secret_string: '{"username":"u"}' } })).toEqual(['version.secret_string: credential key "secret_string" holds a literal']);
  });

  it('finds a literal password inside an expression, a JAAS line and a JSON string', () => {
    expect(reasons({ a: { secret_string_wo: `\${jsonencode({"password" = "${LEAKED}"})}` } })).toEqual(['a.secret_string_wo: a password="…" with a literal value']);
    expect(reasons({ b: { jaas: `ScramLoginModule required username="u" password="${LEAKED}";` } })).toEqual(['b.jaas: a password="…" with a literal value']);
    expect(reasons({ c: { policy: `{"password":"${LEAKED}"}` } })).toEqual(['c.policy: a password="…" with a literal value']);
  });

  it('finds a URI with a literal password', () => {
    expect(reasons({ d: { url: `mongodb+srv://cdc:${LEAKED}@cluster.example.net/` } })).toEqual(['d.url: a URI with a literal password']);
  });

  it('finds key-shaped strings anywhere', () => {
    expect(reasons({ e: [`AKIA${'ABCDEFGHIJKLMNOP'}`] })).toEqual(['e[0]: looks like an AWS access key id']);
    expect(reasons({ f: `x ${'-'.repeat(5)}BEGIN RSA PRIVATE KEY${'-'.repeat(5)} y` })).toEqual(['f: looks like a private key']);
  });
});

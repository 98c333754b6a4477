import { findLiteralCredential, maskCredentials, maskUrlPassword } from '../../../config/secrets';
import { generatedSecret } from '../../support/generated-secret';

/**
 * config/secrets.ts reads a URL two ways: `detect` (findLiteralCredential) refuses a config only for
 * what is certainly a password, `mask` (maskUrlPassword, maskCredentials) hides whatever may be one.
 * Each case states the text a user sees and whether validation refuses it.
 */
const SECRET = generatedSecret('password');
const OTHER_SECRET = generatedSecret('password');
const PLACEHOLDER = '${dir:/etc/connect-secrets:warehouse-password}';

describe('user info: the password between the first colon and the last @ of an authority', () => {
  it.each([
    ['a PostgreSQL URI', `postgres://cdc:${SECRET}@warehouse.internal:5432/bi`, 'postgres://cdc:****@warehouse.internal:5432/bi'],
    ['a password with an unescaped @', `mongodb+srv://cdc:${SECRET}@${OTHER_SECRET}@cluster0.example.net/shop`, 'mongodb+srv://cdc:****@cluster0.example.net/shop'],
    ['a password with an unescaped colon', `mongodb://cdc:${SECRET}:${OTHER_SECRET}@mongo1:27017/?replicaSet=rs0`, 'mongodb://cdc:****@mongo1:27017/?replicaSet=rs0'],
    [
      'a password with an unescaped & and = that reads as a parameter',
      `postgres://cdc:${SECRET}&pass=${OTHER_SECRET}@warehouse.internal:5432/bi`,
      'postgres://cdc:****@warehouse.internal:5432/bi',
    ],
  ])('finds and masks %s, leaving user and host readable', (_form, url, masked) => {
    expect(findLiteralCredential(url)).toBe("a password in the URL's user info");
    expect(maskUrlPassword(url)).toBe(masked);
  });

  it('masks a password with an unescaped / up to the host (detection stops at the /, the mask does not)', () => {
    expect(maskUrlPassword(`postgresql://cdc:${SECRET}/${OTHER_SECRET}@warehouse.internal:5432/bi`)).toBe('postgresql://cdc:****@warehouse.internal:5432/bi');
  });

  it('masks each URL of a comma-joined list on its own', () => {
    expect(maskUrlPassword(`--targets=postgres://cdc:${SECRET}@replica-a.internal/bi,postgres://audit:${OTHER_SECRET}@replica-b.internal/bi`)).toBe(
      '--targets=postgres://cdc:****@replica-a.internal/bi,postgres://audit:****@replica-b.internal/bi',
    );
  });

  it('does not refuse a URL whose path holds an @ after a port: that is no user info', () => {
    expect(findLiteralCredential('https://artifacts.example.net:8443/npm/@cdc/cli/-/cli-1.4.0.tgz')).toBeUndefined();
  });

  it('neither refuses nor masks a user without a password on an SRV URI (no port, so no colon at all)', () => {
    const uri = 'mongodb+srv://cdc@cluster0.example.net/?authMechanism=MONGODB-X509';
    expect(findLiteralCredential(uri)).toBeUndefined();
    expect(maskUrlPassword(uri)).toBe(uri);
  });

  it.each([
    ['the query', 'https://hooks.example.net:8443/notify?to=oncall@example.com'],
    ['the fragment', 'https://grafana.example.net:3000/d/cdc-overview#owner:oncall@example.com'],
  ])('neither refuses nor masks an @ in %s', (_part, url) => {
    expect(findLiteralCredential(url)).toBeUndefined();
    expect(maskUrlPassword(url)).toBe(url);
  });
});

describe('password parameters: every JDBC and URI form', () => {
  it.each([
    ['?password= (PostgreSQL)', `jdbc:postgresql://warehouse.internal:5432/bi?password=${SECRET}&user=cdc`, 'jdbc:postgresql://warehouse.internal:5432/bi?password=****&user=cdc'],
    [';Password= (SQL Server)', `jdbc:sqlserver://mssql.internal:1433;databaseName=bi;Password=${SECRET};user=cdc`, 'jdbc:sqlserver://mssql.internal:1433;databaseName=bi;Password=****;user=cdc'],
    [':password= (DB2)', `jdbc:db2://db2.internal:50000/BI:user=cdc;password=${SECRET};`, 'jdbc:db2://db2.internal:50000/BI:user=cdc;password=****;'],
    ['&passwd= before a fragment', `jdbc:mysql://mysql.internal:3306/bi?user=cdc&passwd=${SECRET}#primary`, 'jdbc:mysql://mysql.internal:3306/bi?user=cdc&passwd=****#primary'],
    ['PWD= in capitals', `jdbc:mysql://mysql.internal:3306/bi?user=cdc&PWD=${SECRET}`, 'jdbc:mysql://mysql.internal:3306/bi?user=cdc&PWD=****'],
  ])('finds and masks %s, and only the value', (_form, url, masked) => {
    expect(findLiteralCredential(url)).toBe('a password parameter');
    expect(maskUrlPassword(url)).toBe(masked);
  });

  it.each([
    ['an SSL key password', `jdbc:postgresql://warehouse.internal:5432/bi?sslmode=verify-full&sslpassword=${SECRET}`, 'jdbc:postgresql://warehouse.internal:5432/bi?sslmode=verify-full&sslpassword=****'],
    ['an Azure SAS signature', `https://cdcexports.blob.core.windows.net/snapshots?sv=2022-11-02&sp=r&sig=${SECRET}`, 'https://cdcexports.blob.core.windows.net/snapshots?sv=2022-11-02&sp=r&sig=****'],
    [
      'an S3 presigned URL',
      `https://cdc-exports.s3.eu-west-1.amazonaws.com/orders.json?X-Amz-Credential=${SECRET}&X-Amz-Security-Token=${OTHER_SECRET}&X-Amz-Signature=${SECRET}`,
      'https://cdc-exports.s3.eu-west-1.amazonaws.com/orders.json?X-Amz-Credential=****&X-Amz-Security-Token=****&X-Amz-Signature=****',
    ],
    ['an OAuth token in the fragment', `https://grafana.example.net/login#access_token=${SECRET}&expires_in=3600`, 'https://grafana.example.net/login#access_token=****&expires_in=3600'],
    ['an API key', `https://registry.example.net/subjects?api_key=${SECRET}`, 'https://registry.example.net/subjects?api_key=****'],
  ])('masks %s, which may be a credential', (_form, url, masked) => {
    expect(maskUrlPassword(url)).toBe(masked);
  });

  it("does not refuse MySQL's passwordCharacterEncoding: a setting named after passwords is none", () => {
    expect(findLiteralCredential('jdbc:mysql://mysql.internal:3306/bi?user=cdc&passwordCharacterEncoding=UTF-8')).toBeUndefined();
  });

  it.each([
    ['an empty password', 'jdbc:postgresql://warehouse.internal:5432/bi?user=cdc&password=&sslmode=require'],
    ['a placeholder', `jdbc:postgresql://warehouse.internal:5432/bi?user=cdc&password=${PLACEHOLDER}`],
    ['ordinary parameters', 'jdbc:postgresql://warehouse.internal:5432/bi?user=cdc&sslmode=require&ApplicationName=cdc-sink'],
  ])('neither refuses nor masks %s', (_case, url) => {
    expect(findLiteralCredential(url)).toBeUndefined();
    expect(maskUrlPassword(url)).toBe(url);
  });
});

describe("Oracle's user/password@", () => {
  it.each([
    ['the thin driver', `jdbc:oracle:thin:cdc/${SECRET}@oracle.internal:1521/BI`, 'jdbc:oracle:thin:cdc/****@oracle.internal:1521/BI'],
    ['EZConnect', `jdbc:oracle:thin:cdc/${SECRET}@//oracle.internal:1521/BI`, 'jdbc:oracle:thin:cdc/****@//oracle.internal:1521/BI'],
    ['the OCI driver, in capitals', `JDBC:ORACLE:OCI:CDC/${SECRET}@BI`, 'JDBC:ORACLE:OCI:CDC/****@BI'],
    [
      'two URLs in one word',
      `primary=jdbc:oracle:thin:cdc/${SECRET}@oracle-a.internal:1521/BI,standby=jdbc:oracle:thin:cdc/${OTHER_SECRET}@oracle-b.internal:1521/BI`,
      'primary=jdbc:oracle:thin:cdc/****@oracle-a.internal:1521/BI,standby=jdbc:oracle:thin:cdc/****@oracle-b.internal:1521/BI',
    ],
    [
      'a URL without a host before it, each read up to the next',
      `jdbc:oracle:thin:cdc/BI,jdbc:oracle:thin:cdc/${SECRET}@oracle-b.internal:1521/BI`,
      'jdbc:oracle:thin:cdc/BI,jdbc:oracle:thin:cdc/****@oracle-b.internal:1521/BI',
    ],
    ['a user from a placeholder', `jdbc:oracle:thin:\${env:ORACLE_USER}/${SECRET}@oracle.internal:1521/BI`, 'jdbc:oracle:thin:${env:ORACLE_USER}/****@oracle.internal:1521/BI'],
  ])('finds and masks the password with %s', (_form, url, masked) => {
    expect(findLiteralCredential(url)).toBe('a user/password@ Oracle URL');
    expect(maskUrlPassword(url)).toBe(masked);
  });

  it('finds and masks the password after a user name of any length (the URL read up to the next one, not a fixed window)', () => {
    const user = 'bi_reporting_'.repeat(25);
    const url = `jdbc:oracle:thin:${user}/${SECRET}@oracle.internal:1521/BI`;
    expect(findLiteralCredential(url)).toBe('a user/password@ Oracle URL');
    expect(maskUrlPassword(url)).toBe(`jdbc:oracle:thin:${user}/****@oracle.internal:1521/BI`);
  });

  it('masks a URL that code cuts right after the @ to add the host', () => {
    expect(maskCredentials(`const url = 'jdbc:oracle:thin:cdc/${SECRET}@' + host;`)).toBe("const url = 'jdbc:oracle:thin:cdc/****@' + host;");
  });

  it.each([
    ['in a URL', `jdbc:oracle:thin:cdc/"${SECRET}"@oracle.internal:1521/BI`, 'jdbc:oracle:thin:cdc/"****"@oracle.internal:1521/BI'],
    ['inside JSON', `{"connection.url":"jdbc:oracle:thin:cdc/\\"${SECRET}\\"@oracle.internal:1521/BI"}`, '{"connection.url":"jdbc:oracle:thin:cdc/\\"****\\"@oracle.internal:1521/BI"}'],
  ])('finds and masks a quoted password (special characters) %s', (_where, text, masked) => {
    expect(findLiteralCredential(text)).toBe('a user/"password"@ Oracle URL');
    expect(maskUrlPassword(text)).toBe(masked);
    expect(maskCredentials(text)).toBe(masked);
  });

  it.each([
    ['a user without a password', 'jdbc:oracle:thin:cdc@oracle.internal:1521/BI'],
    ['an empty password', 'jdbc:oracle:thin:cdc/@oracle.internal:1521/BI'],
    ['a user and a slash but no host', 'jdbc:oracle:thin:cdc/BI'],
    ['a placeholder', `jdbc:oracle:thin:cdc/${PLACEHOLDER}@oracle.internal:1521/BI`],
    ['a quoted placeholder', `jdbc:oracle:thin:cdc/"${PLACEHOLDER}"@oracle.internal:1521/BI`],
  ])('neither refuses nor masks %s', (_case, url) => {
    expect(findLiteralCredential(url)).toBeUndefined();
    expect(maskUrlPassword(url)).toBe(url);
  });
});

describe("a MongoDB URI's AWS session token", () => {
  it('masks the token and a password parameter after it, both', () => {
    const uri = `mongodb+srv://cluster0.example.net/?authMechanism=MONGODB-AWS&authMechanismProperties=AWS_SESSION_TOKEN:${SECRET}&tlsCertificateKeyFilePassword=${OTHER_SECRET}`;
    expect(findLiteralCredential(uri)).toBe('an AWS session token');
    expect(maskUrlPassword(uri)).toBe('mongodb+srv://cluster0.example.net/?authMechanism=MONGODB-AWS&authMechanismProperties=AWS_SESSION_TOKEN:****&tlsCertificateKeyFilePassword=****');
  });

  it('keeps a placeholder in the token', () => {
    const uri = 'mongodb+srv://cluster0.example.net/?authMechanism=MONGODB-AWS&authMechanismProperties=AWS_SESSION_TOKEN:${env:AWS_SESSION_TOKEN}';
    expect(findLiteralCredential(uri)).toBeUndefined();
    expect(maskUrlPassword(uri)).toBe(uri);
  });
});

describe('text around URLs', () => {
  it('masks every URL of a log line and keeps its placeholders where they stood', () => {
    const line = `sink ${PLACEHOLDER} -> postgres://cdc:${SECRET}@warehouse.internal:5432/bi; source mongodb://cdc:${PLACEHOLDER}@mongo1:27017/ ${PLACEHOLDER}`;
    expect(maskUrlPassword(line)).toBe(`sink ${PLACEHOLDER} -> postgres://cdc:****@warehouse.internal:5432/bi; source mongodb://cdc:${PLACEHOLDER}@mongo1:27017/ ${PLACEHOLDER}`);
  });

  it('masks both credentials where one ends right where the next begins: the mask errs toward hiding', () => {
    // The user info runs to the @; `&token=` inside the password makes what follows the @ a token's value too.
    expect(maskUrlPassword(`postgres://cdc:${SECRET}&token=@warehouse.internal:5432/bi`)).toBe('postgres://cdc:********');
  });

  it('leaves NUL-delimited digits of the text as they are (placeholders are marked the same way while a text is searched)', () => {
    const line = `record key \u00000\u0000 from postgres://cdc:${SECRET}@warehouse.internal:5432/bi`;
    expect(maskCredentials(line)).toBe('record key \u00000\u0000 from postgres://cdc:****@warehouse.internal:5432/bi');
  });

  it('leaves key=value text that holds no URL alone', () => {
    const text = 'Debezium signal shop.signals:password=rotated;token=next';
    expect(findLiteralCredential(text)).toBeUndefined();
    expect(maskUrlPassword(text)).toBe(text);
  });

  it.each([
    ['double quotes', `username="cdc" password="${SECRET}";`, 'username="cdc" password="****";'],
    ['single quotes', `username='cdc' password = '${SECRET}';`, "username='cdc' password = '****';"],
    ['escaped quotes inside JSON', `{"sasl.jaas.config":"ScramLoginModule required username=\\"cdc\\" password=\\"${SECRET}\\";"}`, '{"sasl.jaas.config":"ScramLoginModule required username=\\"cdc\\" password=\\"****\\";"}'],
  ])('finds and masks a JAAS password in %s', (_form, text, masked) => {
    expect(findLiteralCredential(text)).toBe('a JAAS password="…"');
    expect(maskCredentials(text)).toBe(masked);
  });
});

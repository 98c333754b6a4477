import { terraformLiteral } from '../../../stacks/common';

describe('terraformLiteral', () => {
  it('escapes Terraform template sequences so a placeholder reaches the resource as written', () => {
    expect(terraformLiteral('password="${dir:/etc/connect-secrets:p}"')).toBe('password="$${dir:/etc/connect-secrets:p}"');
    expect(terraformLiteral('%{ if x }')).toBe('%%{ if x }');
  });

  it('leaves text without template sequences alone', () => {
    expect(terraformLiteral('kafka_connect_$1_$4 {a}')).toBe('kafka_connect_$1_$4 {a}');
  });
});

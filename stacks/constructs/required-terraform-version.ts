import { rmSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { TerraformElement, type ISynthesisSession } from 'cdktf';
import type { Construct } from 'constructs';

/** The file beside an HCL stack (`cdktf synth --hcl`) that holds its Terraform version constraint. */
export const REQUIRED_VERSION_HCL_FILE = 'required-version.tf';

/**
 * The Terraform version a stack needs, for both of cdktf's outputs. In JSON (`cdk.tf.json`, what
 * `npm run synth` writes) it is the `terraform` block's `required_version`, contributed by this
 * element as any provider contributes its `required_providers`: no stack override. cdktf 0.21's HCL
 * renderer writes every `terraform` block attribute other than `required_providers`, `backend` and
 * `cloud` as `<index> = "<attribute name>"` (its renderTerraform passes the attribute names, not the
 * attributes), which Terraform refuses; so with `--hcl` the element adds nothing to `cdk.tf` and the
 * stack's synthesizer writes a second `terraform` block into `required-version.tf` beside it.
 * Terraform reads every `.tf` file of the folder and enforces each block's `required_version`.
 */
export class RequiredTerraformVersion extends TerraformElement {
  constructor(
    scope: Construct,
    id: string,
    /** A Terraform version constraint, e.g. `>= 1.11.0`. */
    readonly constraint: string,
  ) {
    super(scope, id);
    this.writeBesideHclOutput();
  }

  override toTerraform(): Record<string, unknown> {
    return { terraform: { required_version: this.constraint } };
  }

  override toHclTerraform(): Record<string, unknown> {
    return {};
  }

  /** The stack's own synthesizer runs first; then the constraint's file is written (HCL) or removed (JSON, so no stale one stays). */
  private writeBesideHclOutput(): void {
    const stack = this.cdktfStack;
    const synthesizer = stack.synthesizer;
    stack.synthesizer = {
      synthesize: (session: ISynthesisSession) => {
        synthesizer.synthesize(session);
        const file = path.join(session.outdir, session.manifest.forStack(stack).workingDirectory, REQUIRED_VERSION_HCL_FILE);
        if (session.manifest.hclOutput) writeFileSync(file, requiredVersionHcl(this.constraint));
        else rmSync(file, { force: true });
      },
    };
  }
}

/** A `terraform` block with only the version constraint. */
export function requiredVersionHcl(constraint: string): string {
  return `terraform {\n  required_version = ${JSON.stringify(constraint)}\n}\n`;
}

import { S3Backend } from 'cdktf';

/**
 * The S3 backend locking with S3's own lock file (`use_lockfile`, Terraform 1.10 and later), which
 * replaces the DynamoDB table that Terraform deprecates for this backend. cdktf 0.21's S3Backend
 * predates the setting (its props have no `useLockfile`), so this adds it to the attributes the
 * backend synthesizes, in JSON and HCL alike.
 */
export class S3BackendWithLockFile extends S3Backend {
  protected override synthesizeAttributes(): Record<string, unknown> {
    return { ...super.synthesizeAttributes(), use_lockfile: true };
  }

  protected override synthesizeHclAttributes(): Record<string, unknown> {
    return { ...super.synthesizeHclAttributes(), use_lockfile: true };
  }
}

/**
 * Types of the matchers `Testing.setupJest()` adds. cdktf 0.21 declares them for an older
 * @types/jest (`Matchers<R>`), which does not merge with jest 30's `Matchers<R, T>`.
 */
import type { TerraformConstructor } from 'cdktf/lib/testing/matchers';

declare global {
  // eslint-disable-next-line @typescript-eslint/no-namespace
  namespace jest {
    interface Matchers<R, T> {
      toHaveResource(resourceConstructor: TerraformConstructor): R;
      toHaveResourceWithProperties(resourceConstructor: TerraformConstructor, properties: Record<string, unknown>): R;
      toHaveDataSource(dataSourceConstructor: TerraformConstructor): R;
      toHaveDataSourceWithProperties(dataSourceConstructor: TerraformConstructor, properties: Record<string, unknown>): R;
      toHaveProvider(providerConstructor: TerraformConstructor): R;
      toHaveProviderWithProperties(providerConstructor: TerraformConstructor, properties: Record<string, unknown>): R;
      toBeValidTerraform(): R;
    }
  }
}

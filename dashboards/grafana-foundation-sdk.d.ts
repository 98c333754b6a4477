/**
 * Types for the foundation SDK's subpath imports. The package maps `@grafana/grafana-foundation-sdk/<kind>`
 * to `dist/<kind>` through package.json `exports`, which Node (and so jest, tsx) follows but this
 * project's `moduleResolution: node` does not; these declarations point the type checker at the same
 * files. Runtime imports stay on the public subpaths.
 */
declare module '@grafana/grafana-foundation-sdk/common' {
  export * from '@grafana/grafana-foundation-sdk/dist/common';
}
declare module '@grafana/grafana-foundation-sdk/dashboard' {
  export * from '@grafana/grafana-foundation-sdk/dist/dashboard';
}
declare module '@grafana/grafana-foundation-sdk/prometheus' {
  export * from '@grafana/grafana-foundation-sdk/dist/prometheus';
}
declare module '@grafana/grafana-foundation-sdk/stat' {
  export * from '@grafana/grafana-foundation-sdk/dist/stat';
}
declare module '@grafana/grafana-foundation-sdk/timeseries' {
  export * from '@grafana/grafana-foundation-sdk/dist/timeseries';
}

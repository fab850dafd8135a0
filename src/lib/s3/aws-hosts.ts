// The hostnames AWS S3 answers on, for the Content-Security-Policy (src/security/csp.ts): global and
// per region, path-style (`s3.<region>.amazonaws.com/bucket`) and virtual-hosted
// (`bucket.s3.<region>.amazonaws.com`), plain and dual-stack, and the legacy `s3-external-1` name. Not
// `*.amazonaws.com`: that holds other people's servers too (API Gateway, CloudFront origins, ...).
// Names: "Virtual hosting of general purpose buckets" and "Using dual-stack endpoints" in the S3 User
// Guide, and "Amazon Simple Storage Service endpoints and quotas" in the AWS General Reference (README,
// "Security").

/** AWS's commercial regions that have S3 (a region missing here is allowed per page load when named). */
export const AWS_REGIONS: readonly string[] = [
  'us-east-1', 'us-east-2', 'us-west-1', 'us-west-2', 'af-south-1', 'ap-east-1', 'ap-east-2', 'ap-south-1', 'ap-south-2',
  'ap-southeast-1', 'ap-southeast-2', 'ap-southeast-3', 'ap-southeast-4', 'ap-southeast-5', 'ap-southeast-7',
  'ap-northeast-1', 'ap-northeast-2', 'ap-northeast-3', 'ca-central-1', 'ca-west-1', 'eu-central-1', 'eu-central-2',
  'eu-west-1', 'eu-west-2', 'eu-west-3', 'eu-south-1', 'eu-south-2', 'eu-north-1', 'il-central-1', 'me-south-1',
  'me-central-1', 'mx-central-1', 'sa-east-1',
];

/**
 * CSP sources for S3's names in `region` (a `*.` source stands for the bucket label of a virtual-hosted
 * name); with no region, the global names.
 */
export function awsHostSources(region?: string): string[] {
  const bases = region ? [`s3.${region}.amazonaws.com`, `s3.dualstack.${region}.amazonaws.com`] : ['s3.amazonaws.com', 's3-external-1.amazonaws.com'];
  return bases.flatMap((b) => [`https://${b}`, `https://*.${b}`]);
}

export { AWS_S3_SOURCES, BASELINE_POLICY, connectPolicy, covers, endpointSources, sourcesForLocation, sourcesForQuery } from './csp.ts';
export { ConnectGuard, installConnectPolicy, type EndpointGuard } from './startup.ts';

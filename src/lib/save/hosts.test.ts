import { describe, expect, it } from 'vitest';
import { createS3Client, objectUrl } from '../s3/index.ts';
import { secondHostClient } from './hosts.ts';

describe('secondHostClient', () => {
  it('addresses the same AWS object under the other hostname', () => {
    const c = createS3Client({ region: 'us-west-2' });
    const other = secondHostClient(c, 'fcp-indi')!;
    expect(objectUrl(c, 'fcp-indi', 'a b/c')).toBe('https://fcp-indi.s3.us-west-2.amazonaws.com/a%20b/c');
    expect(objectUrl(other, 'fcp-indi', 'a b/c')).toBe('https://s3.us-west-2.amazonaws.com/fcp-indi/a%20b/c');
  });
  it('has none for dotted buckets, custom endpoints and signed clients', () => {
    expect(secondHostClient(createS3Client({}), 'openneuro.org')).toBeUndefined();
    expect(secondHostClient(createS3Client({ endpoint: 'http://127.0.0.1:9000' }), 'b')).toBeUndefined();
    expect(secondHostClient(createS3Client({ credentials: { accessKeyId: 'a', secretAccessKey: 'b' } }), 'b')).toBeUndefined();
  });
});

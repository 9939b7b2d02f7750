import { readFileSync } from 'node:fs';
import { join } from 'node:path';

/**
 * The wire contract as a `google.protobuf.FileDescriptorSet` (every file of `proto/` and what it
 * imports), built by `buf build` next to the compiled code: what gRPC server reflection serves.
 */
export function descriptorSet(): Uint8Array {
  return readFileSync(join(__dirname, '..', 'dist', 'descriptors.binpb'));
}

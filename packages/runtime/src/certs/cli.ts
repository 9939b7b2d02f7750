import { relative } from 'node:path';
import { loadConfig } from '../config/loadConfig';
import { runMain } from '../lifecycle';
import { clusterCertSpecs } from './clusterCerts';
import { ensureCertificates } from './ensureCertificates';

// `pnpm certs`: creates whatever certificates the cluster file needs, keeping valid ones.
runMain('certs', () => {
  const config = loadConfig();
  const result = ensureCertificates(config.certsDir, clusterCertSpecs(config));
  const where = relative(process.cwd(), config.certsDir) || '.';
  const created = result.created.length > 0 ? result.created.join(', ') : 'nothing';
  process.stdout.write(`certs in ${where}: created ${created}; kept ${result.kept.length}\n`);
  return Promise.resolve();
});

// Placeholder for root scripts whose feature lands with a later issue; exits non-zero so
// nobody mistakes it for a working command.
const [name, issue] = process.argv.slice(2);
process.stderr.write(`pnpm ${name}: not yet — it lands with issue #${issue}\n`);
process.exit(1);

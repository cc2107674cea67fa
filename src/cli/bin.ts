import { main } from './main';

// The SDK warns about Node 20 on every client; a CLI user cannot act on it.
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';
// No placeholder credentials here: every client of the local stand-ins passes its own, and
// `start --stage` must find the user's real ones (profile, SSO, role) through the default chain.

main(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (error: unknown) => {
    process.stderr.write(`personalize-batch: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
    process.exit(2);
  },
);

import '../../src/local/polyfills';

// The SDK warns on Node 20 at every client construction; the warning is noise in test output.
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED = 'true';
// Stand-ins accept any credentials, but the SDK refuses to sign without some.
process.env.AWS_ACCESS_KEY_ID ??= 'local';
process.env.AWS_SECRET_ACCESS_KEY ??= 'local';
process.env.AWS_REGION ??= 'us-east-1';
// Keep Powertools quiet in tests unless a test opts in.
process.env.POWERTOOLS_LOG_LEVEL ??= 'SILENT';
// Run metrics go to stdout unless a sink is given; a test that wants them passes one (local mode's EmfCapture).
process.env.POWERTOOLS_METRICS_DISABLED ??= 'true';

import { execFile } from 'node:child_process';
import { mkdtemp, readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);
const ROOT = resolve(__dirname, '../..');

export interface CloudFormationTemplate {
  Parameters?: Record<string, { Default?: unknown }>;
  Conditions?: Record<string, unknown>;
  Resources: Record<string, { Type: string; Properties?: Record<string, any>; DependsOn?: unknown; Condition?: string; DeletionPolicy?: string }>; // eslint-disable-line @typescript-eslint/no-explicit-any
  Outputs?: Record<string, unknown>;
}

/**
 * Runs `serverless package` exactly as a user would, offline and without AWS credentials, into a
 * fresh directory, and returns the template it wrote.
 */
export async function packageService(stage = 'test'): Promise<{ directory: string; template: CloudFormationTemplate }> {
  const directory = await mkdtemp(join(tmpdir(), 'pbo-package-'));
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true',
    SLS_TELEMETRY_DISABLED: '1',
    SLS_NOTIFICATIONS_MODE: 'off',
  };
  // Prove it needs no credentials.
  delete env.AWS_ACCESS_KEY_ID;
  delete env.AWS_SECRET_ACCESS_KEY;
  delete env.AWS_PROFILE;
  await run(process.execPath, [join(ROOT, 'node_modules/osls/bin/serverless.js'), 'package', '--stage', stage, '--package', directory], {
    cwd: ROOT,
    env,
    timeout: 120_000,
  });
  const template = JSON.parse(await readFile(join(directory, 'cloudformation-template-update-stack.json'), 'utf8')) as CloudFormationTemplate;
  return { directory, template };
}

import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { copyFile, mkdtemp, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';
import type { StoredRun } from '../../src/adapters/runs-listing';
import { renderReport } from '../../src/cli/runs/report-html';

const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const run = promisify(execFile);
const NOW = new Date('2026-11-28T12:00:00Z');
const at = (minutes: number) => new Date(NOW.getTime() - minutes * 60_000).toISOString();

/** A morning of runs: two groups, six at once (the sixth queued for a slot), failures, one under way. */
function sampleRuns(): StoredRun[] {
  const done = (runId: string, jobGroup: string, start: number, jobAfter: number, end: number, status = 'SUCCEEDED', extra: Partial<StoredRun> = {}): StoredRun => ({
    runId, jobGroup, status, startedAt: at(start), jobCreatedAt: at(start - jobAfter), completedAt: at(end), jobStatus: status === 'SUCCEEDED' ? 'ACTIVE' : 'CREATE FAILED', ...extra,
  });
  return [
    done('nightly-users-0301', 'users', 540, 1, 470),
    done('nightly-items-0302', 'items', 535, 1, 430),
    done('upload-users-a', 'users', 400, 1, 330),
    done('upload-users-b', 'users', 398, 1, 320, 'FAILED', { failureReason: 'Input file is not JSON Lines' }),
    done('upload-users-c', 'users', 396, 1, 300),
    done('upload-items-d', 'items', 394, 1, 310),
    done('upload-items-e', 'items', 392, 1, 290),
    done('upload-items-f', 'items', 390, 80, 230, 'SUCCEEDED', { queuedSince: at(389), queuedSeconds: 4740 }),
    done('weekly-items-g', 'items', 200, 1, 60, 'TIMED_OUT', { failureReason: 'Max wait reached' }),
    done('upload-users-h', 'users', 150, 1, 90, 'ABORTED'),
    { runId: 'upload-users-i', jobGroup: 'users', status: 'RUNNING', startedAt: at(40), jobCreatedAt: at(39), jobStatus: 'CREATE IN_PROGRESS' },
  ];
}

const describeWithChromium = existsSync(CHROMIUM) ? describe : describe.skip;
if (!existsSync(CHROMIUM)) {
  console.warn(`Skipping the report's browser test: no Chromium at ${CHROMIUM} (apt-get install -y chromium, or set CHROMIUM_PATH).`);
}

describeWithChromium('runs report, rendered by headless Chromium', () => {
  let directory: string;
  let page: string;

  beforeAll(async () => {
    directory = await mkdtemp(join(tmpdir(), 'pbo-report-'));
    page = join(directory, 'report.html');
    await writeFile(page, renderReport(sampleRuns(), { since: new Date(NOW.getTime() - 86_400_000), now: NOW, title: 'Runs on stack personalize-batch-orchestrator-prod (eu-west-1)' }));
  });

  afterAll(async () => {
    await rm(directory, { recursive: true, force: true });
  });

  const chromium = (...args: string[]) =>
    run(CHROMIUM, ['--headless', '--no-sandbox', '--disable-gpu', '--disable-dev-shm-usage', `--user-data-dir=${join(directory, 'profile')}`, ...args], { maxBuffer: 16 * 1024 * 1024, timeout: 60_000 });

  it('draws the job-slot timeline and the per-group table once its script has run', async () => {
    const { stdout: dom } = await chromium('--dump-dom', `file://${page}`);

    expect(dom).toContain('<body data-rendered="true">');
    // Every run had a job (one still running); one waited for a slot.
    expect(dom.match(/<rect [^>]*class="run"/g)).toHaveLength(11);
    expect(dom.match(/<rect [^>]*class="queued"/g)).toHaveLength(1);
    // Five jobs overlapped at the busiest moment (the sixth queued): five slot lanes.
    expect(dom).toContain('>job slot 5<');
    expect(dom).not.toContain('>job slot 6<');
    const rows = [...dom.matchAll(/<tr><td>(users|items)<\/td><td>(\d+)<\/td><td>(\d+)<\/td><td>(\d+)<\/td><td><span[^>]*><\/span>(\d+)%<\/td>/g)].map((match) => match.slice(1, 6));
    expect(rows).toEqual([
      ['items', '5', '4', '1', '20'],
      ['users', '6', '3', '2', '40'],
    ]);
    expect(dom).toContain('<span id="count">11 runs</span>');
  });

  it('renders a screenshot that can be looked at (docs/report.png with UPDATE_REPORT_SCREENSHOT=1)', async () => {
    const png = join(directory, 'report.png');

    await chromium('--hide-scrollbars', '--window-size=1240,900', `--screenshot=${png}`, `file://${page}`);

    expect((await stat(png)).size).toBeGreaterThan(20_000);
    if (process.env.UPDATE_REPORT_SCREENSHOT === '1') await copyFile(png, resolve(__dirname, '../../docs/report.png'));
  });
});

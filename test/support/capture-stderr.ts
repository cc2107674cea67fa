/** Runs a CLI command with stderr captured, for asserting on its messages. */
export async function withStderr(act: () => Promise<number>): Promise<{ exitCode: number; stderr: string }> {
  const spy = jest.spyOn(process.stderr, 'write').mockImplementation(() => true);
  try {
    const exitCode = await act();
    return { exitCode, stderr: spy.mock.calls.map(([chunk]) => String(chunk)).join('') };
  } finally {
    spy.mockRestore();
  }
}

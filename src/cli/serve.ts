export async function runServeCommand(_args: string[]): Promise<number> {
  console.error('serve: not yet built');
  return 2;
}

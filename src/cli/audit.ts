export async function runAuditCommand(_args: string[]): Promise<number> {
  console.error('audit: not yet built');
  return 2;
}

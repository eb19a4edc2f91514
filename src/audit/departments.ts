import path from 'node:path';

/**
 * Where a file with no department of its own is filed (an unreadable file, one with no table, a table with no
 * 主管部门): under the one department the other tables of its folder name — a department's folder holds its
 * submissions — and when they name none or several, under no department (the lists' 未知部门). A folder's own name
 * is not a department: the web service's uploads sit in a folder called `input`.
 */
export function departmentsOfFolders(files: readonly { file: string; department: string | null }[]): (file: string) => string | null {
  const byFolder = new Map<string, Set<string>>();
  for (const f of files) {
    if (!f.department) continue;
    const folder = path.posix.dirname(f.file);
    (byFolder.get(folder) ?? byFolder.set(folder, new Set()).get(folder)!).add(f.department);
  }
  return (file) => {
    const names = byFolder.get(path.posix.dirname(file));
    return names?.size === 1 ? [...names][0]! : null;
  };
}

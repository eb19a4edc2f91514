export { runAudit, AuditSetupError, NO_WORKBOOK, withinMemory, type AuditOptions, type AuditOutcome } from './run.js';
export { loadTables, type FileTables } from './tables.js';
export { kindOf } from './discover.js';
export { abandonStages } from './outputs.js';
export { launch } from './launch.js';

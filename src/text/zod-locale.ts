/**
 * zod's own complaints (a mapping file or rules file a bureau wrote) in Chinese, as everything else a user reads.
 * Imported for its effect by the modules that parse what users write.
 */
import { z } from 'zod';

z.config(z.locales.zhCN());

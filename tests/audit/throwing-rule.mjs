/**
 * Loaded into reader processes run from the sources (RECON_READER_FLAGS="--import <this file>", after tsx): the
 * rule fund.rate throws on every table, as a rule with a bug would.
 */
import { tableRules } from '../../src/rules/index.ts';

const rule = tableRules.find((r) => r.meta.id === 'fund.rate');
if (!rule) throw new Error('no rule fund.rate');
rule.check = () => {
  throw new Error('injected: a rule with a bug');
};

import { type Indicator, type ProjectTable, normLabel } from '../model/index.js';
import type { RulesConfig } from './config.js';

/**
 * Which way a target with no comparison sign points. A department writes `90%` meaning "at least 90%" for a
 * satisfaction rate, and `5天` meaning "at most 5 days" for a processing time: a bare figure is never `=`.
 */
export type Direction = 'higher' | 'lower';

/** SPEC.md's 反向 words, and others of the kind published tables use (a 辍学率 or a 返修率 is better lower). */
const LOWER =
  /控制率|下降|降低|减少|投诉|事故|差错|发生率|发生数|发生次数|超支|结余率|调整率|时间|天数|时长|耗时|成本|辍学|失学|误差|损耗|损失|空置|闲置|违规|违法|违纪|犯罪|发病|死亡|故障|返工|返修|拖欠|逾期|超标|排放|能耗|不合格|差评|上访|信访|变质|延误|积压/;
/** Levels whose indicators are better higher (数量/质量/时效/效益/满意度), and names that are rates or degrees. */
const HIGHER_LEVEL = /数量|质量|时效|效益|满意|产出/;
const HIGHER_NAME = /(率|度|数|量|面积|里程|人次|户数|个数)$/;

const WORD: Record<'正向' | '反向', Direction> = { 正向: 'higher', 反向: 'lower' };

/**
 * The direction of an indicator's bare target, and whether it was stated (by the rules file or the layout, by name)
 * or read from its words: the rules file first, then the layout, then 成本指标 and the 反向 words, then the
 * indicator's level or name. null where nothing tells: such an indicator is not judged.
 */
export function directionOf(ind: Indicator, t: ProjectTable, params: RulesConfig): { dir: Direction; stated: boolean } | null {
  const name = normLabel(ind.level3.value ?? '');
  const byName = (m: Record<string, '正向' | '反向'>) => {
    for (const [k, v] of Object.entries(m)) if (normLabel(k) === name) return WORD[v];
    return null;
  };
  const stated = byName(params.directions) ?? byName(t.directions);
  if (stated) return { dir: stated, stated: true };
  const level2 = normLabel(ind.level2.value ?? '');
  const level1 = normLabel(ind.level1.value ?? '');
  if (/成本/.test(level2) || LOWER.test(name)) return { dir: 'lower', stated: false };
  if (HIGHER_LEVEL.test(level2) || HIGHER_LEVEL.test(level1) || HIGHER_NAME.test(name)) return { dir: 'higher', stated: false };
  return null;
}

/** How a message says which way a bare target was read. */
export function directionWords(d: Direction): string {
  return d === 'higher' ? '越高越好' : '越低越好';
}

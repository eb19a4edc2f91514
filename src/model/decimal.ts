import { Decimal as DecimalJs } from 'decimal.js';

/** One Decimal constructor for the whole project: enough precision that no audit figure is ever rounded by accident. */
export const Decimal = DecimalJs.clone({ precision: 40, rounding: DecimalJs.ROUND_HALF_UP });
export type Decimal = InstanceType<typeof Decimal>;

export function isDecimal(v: unknown): v is Decimal {
  return DecimalJs.isDecimal(v);
}

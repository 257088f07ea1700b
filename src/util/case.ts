/** `adcConversions` -> `adc_conversions`: action names as CSV columns and statistic names. */
export function snakeCase(name: string): string {
  return name.replace(/[A-Z]/g, (c) => `_${c.toLowerCase()}`);
}

/** An amount as the spending policy writes it, e.g. `5,000 USD`. */
export const usd = (n: number): string => `${n.toLocaleString('en-US')} USD`;

/**
 * Japanese bank and shop words, as the Latin words the rules and the lexicon already read. A
 * passbook or card line in Japanese (`口座振替 東京電力EP`, `ＡＴＭ手数料`, `さくら歯科クリニック`) is
 * otherwise nothing but punctuation once folded to ASCII. Kanji as banks print them, and the
 * half-width katakana of passbooks in their full-width form (the text is NFKC-folded first).
 * Longer words come first, so `振込手数料` is a transfer fee before `振込` is a transfer.
 */
const JAPANESE_WORDS: readonly (readonly [string, string])[] = [
  // Bank wording
  ['振込手数料', 'TRANSFER FEE'],
  ['手数料', 'FEE'],
  ['テスウリョウ', 'FEE'],
  ['テスウリヨウ', 'FEE'],
  ['給与', 'SALARY'],
  ['給料', 'SALARY'],
  ['賞与', 'SALARY'],
  ['キュウヨ', 'SALARY'],
  ['キユウヨ', 'SALARY'],
  ['振込', 'TRANSFER'],
  ['振り込み', 'TRANSFER'],
  ['フリコミ', 'TRANSFER'],
  ['利息', 'INTEREST'],
  ['引出', 'WITHDRAWAL'],
  ['家賃', 'RENT'],
  ['ヤチン', 'RENT'],
  ['住民税', 'TAX PAYMENT'],
  ['市民税', 'TAX PAYMENT'],
  ['固定資産税', 'TAX PAYMENT'],
  ['自動車税', 'TAX PAYMENT'],
  ['所得税', 'TAX PAYMENT'],
  ['保険', 'INSURANCE'],
  // Utilities
  ['電力', 'ELECTRICITY'],
  ['電気', 'ELECTRICITY'],
  ['デンキ', 'ELECTRICITY'],
  ['ガス', 'GAS COMPANY'],
  ['水道', 'WATER UTILITY'],
  ['スイドウ', 'WATER UTILITY'],
  // Kinds of business
  ['動物病院', 'ANIMAL HOSPITAL'],
  ['歯科', 'DENTAL'],
  ['病院', 'HOSPITAL'],
  ['医院', 'CLINIC'],
  ['クリニック', 'CLINIC'],
  ['薬局', 'PHARMACY'],
  ['美容室', 'HAIR SALON'],
  ['美容院', 'HAIR SALON'],
  ['ヘアサロン', 'HAIR SALON'],
  ['理容', 'BARBER'],
  ['居酒屋', 'IZAKAYA'],
  ['ラーメン', 'RAMEN'],
  ['寿司', 'SUSHI'],
  ['食堂', 'SHOKUDO'],
  ['喫茶', 'KISSATEN'],
  ['カフェ', 'CAFE'],
  ['レストラン', 'RESTAURANT'],
];

const HAS_JAPANESE = /[\u3040-\u30ff\u4e00-\u9fff\uff66-\uff9f]/u;

/** The text with the Japanese words it holds replaced by their Latin equivalents, each a word of its own. */
export function latinOfJapanese(text: string): string {
  if (!HAS_JAPANESE.test(text)) return text;
  let t = text.normalize('NFKC');
  for (const [japanese, latin] of JAPANESE_WORDS) if (t.includes(japanese)) t = t.replaceAll(japanese, ` ${latin} `);
  return t;
}

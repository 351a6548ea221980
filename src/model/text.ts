/** Text kansa writes for people, always in both languages; Japanese is the default for auditors. */
export interface Bilingual {
  readonly ja: string;
  readonly en: string;
}

export type Language = keyof Bilingual;

export const LANGUAGES: readonly Language[] = ['ja', 'en'];

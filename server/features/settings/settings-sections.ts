/** The parts of Settings, as activity entries name them in their `section` column. */
export const SETTINGS_SECTIONS = ['policy', 'schedule', 'credit-scores', 'digest', 'writeback', 'reminders'] as const;
export type SettingsSection = (typeof SETTINGS_SECTIONS)[number];

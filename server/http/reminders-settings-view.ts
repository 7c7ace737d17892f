import type { Container } from '../container.js';
import type { ActivityEntry } from '../features/activity/activity-log-type.js';
import { FORM_WEEKDAYS, remindersFormOf, type RemindersForm } from '../features/settings/reminders-form.js';
import { QUICKBOOKS_REMINDERS_ADVICE } from './reminders-view.js';

/**
 * The Reminders section of Settings: the form (as saved, or as sent back with errors), the saved policy's version
 * and mode, and the advice about QuickBooks' own reminders while automatic mode is on.
 */
export async function remindersSection(
  c: Pick<Container, 'reminders'>,
  realmId: string,
  o: { form?: RemindersForm | undefined; lastChange: ActivityEntry | undefined; homeCurrency: string },
) {
  const stored = await c.reminders.policy(realmId);
  return {
    ...(o.form ?? remindersFormOf(stored.policy)),
    saved: stored.policy,
    savedAt: stored.savedAt,
    weekdays: FORM_WEEKDAYS,
    homeCurrency: o.homeCurrency,
    advice: QUICKBOOKS_REMINDERS_ADVICE,
    lastChange: o.lastChange,
  };
}

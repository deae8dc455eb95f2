/**
 * Words only someone who knows Alaya's console or HTTP would understand. The chat page's error texts are
 * read by people who have never seen either, so they avoid these.
 */
export const CONSOLE_JARGON = /current window|Usage page|rate.limit|quota|RPM|TPM|\b4\d\d\b/i;

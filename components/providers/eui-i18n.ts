/**
 * EUI's own strings (button labels, screen-reader texts) come from its i18n token map. The guide
 * keeps them with its other messages, nested by the token's dots so next-intl accepts the keys:
 * `{"euiSideNav": {"mobileToggleAriaLabel": "…"}}` becomes `{"euiSideNav.mobileToggleAriaLabel": "…"}`.
 */
export function euiTokenMapping(messages: Record<string, unknown>, prefix = ''): Record<string, string> {
  const mapping: Record<string, string> = {};
  for (const [key, value] of Object.entries(messages)) {
    if (typeof value === 'string') mapping[`${prefix}${key}`] = value;
    else if (value && typeof value === 'object') Object.assign(mapping, euiTokenMapping(value as Record<string, unknown>, `${prefix}${key}.`));
  }
  return mapping;
}

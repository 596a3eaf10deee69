/**
 * The Painless types the subset knows: primitives, the boxed and collection classes the Kibana
 * threshold scripts and hand-written watch scripts declare, and the classes reachable for static
 * calls. Painless types it knows but the subset does not run are named, so the error says so.
 */

export const PRIMITIVES = new Set(['int', 'long', 'short', 'byte', 'char', 'float', 'double', 'boolean']);

export const CLASSES = new Set([
  'def', 'Object', 'String', 'Number', 'Integer', 'Long', 'Short', 'Byte', 'Float', 'Double', 'Boolean',
  'Map', 'HashMap', 'LinkedHashMap', 'List', 'ArrayList', 'Collection', 'ZonedDateTime',
]);

/** Classes with static methods the subset runs. */
export const STATIC_CLASSES = new Set(['Math', 'Integer', 'Long', 'Double', 'Float', 'String', 'Boolean']);

/** Painless classes outside the subset: using one is a compile error that names it. */
export const KNOWN_UNSUPPORTED = new Set([
  'TreeMap', 'HashSet', 'Set', 'TreeSet', 'LinkedList', 'Collections', 'Collectors', 'Arrays', 'Stream', 'Instant', 'Duration',
  'LocalDateTime', 'LocalDate', 'DateTimeFormatter', 'ChronoUnit', 'Pattern', 'Matcher', 'StringBuilder', 'Optional', 'Iterator',
  'Character', 'BigDecimal', 'BigInteger', 'Objects', 'UUID', 'Debug', 'Processors', 'JSON', 'SimpleDateFormat', 'Date',
]);

export function isTypeName(name: string): boolean {
  return PRIMITIVES.has(name) || CLASSES.has(name);
}

/** Classes `new` can build. */
export const CONSTRUCTIBLE = new Set(['HashMap', 'LinkedHashMap', 'ArrayList']);

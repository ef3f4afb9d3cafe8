/* The JSON column of a stored alert: ntopng's alert_generation block (which check raised
 * it) and the check's message, if any. */
#ifndef NTOP_ALERT_JSON_H
#define NTOP_ALERT_JSON_H

/* {"alert_generation":{"script_key":KEY,"subdir":SUBDIR}[,"alert.message":MESSAGE]};
 * key and subdir are plain identifiers, the message is escaped. malloc'd, NULL on memory
 * shortage. */
char *alert_json(const char *script_key, const char *subdir, const char *message);

#endif

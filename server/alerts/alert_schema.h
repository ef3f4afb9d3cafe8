/* The alert store's SQL schema (ntopng's alert tables and column names). */
#ifndef NTOP_ALERT_SCHEMA_H
#define NTOP_ALERT_SCHEMA_H

/* CREATE ... IF NOT EXISTS statements for every table, index and the all_alerts view. */
extern const char alert_schema_sql[];

/* Every alert table, NULL-terminated. */
extern const char *const alert_schema_tables[];

#endif

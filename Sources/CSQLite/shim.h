#include <sqlite3.h>

/* sqlite3_config is variadic, which Swift cannot call: one wrapper per setting Prenum makes.
   Must run before SQLite initializes; afterwards it returns SQLITE_MISUSE and changes nothing. */

/* Without allocation statistics SQLite takes no process-wide mutex on every malloc and free,
   which the delivery workers, each on its own connection, otherwise contend for. */
static inline int prenum_sqlite3_disable_memory_statistics(void) {
    return sqlite3_config(SQLITE_CONFIG_MEMSTATUS, 0);
}

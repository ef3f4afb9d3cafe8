/* ntop.* bindings, category time. (To be written.) */
#include "api_util.h"

const struct api_table api_ntop_time = {.ns = "ntop", .category = "time", .bindings = NULL, .count = 0};

/* ntop.* bindings, category log. (To be written.) */
#include "api_util.h"

const struct api_table api_ntop_log = {.ns = "ntop", .category = "log", .bindings = NULL, .count = 0};

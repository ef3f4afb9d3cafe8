/* ntop.* bindings, category ndpi. (To be written.) */
#include "api_util.h"

const struct api_table api_ntop_ndpi = {.ns = "ntop", .category = "ndpi", .bindings = NULL, .count = 0};

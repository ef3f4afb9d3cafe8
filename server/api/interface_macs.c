/* interface.* bindings, category macs. (To be written.) */
#include "api_util.h"

const struct api_table api_interface_macs = {.ns = "interface", .category = "macs", .bindings = NULL, .count = 0};

/* interface.* bindings, category flows. (To be written.) */
#include "api_util.h"

const struct api_table api_interface_flows = {.ns = "interface", .category = "flows", .bindings = NULL, .count = 0};

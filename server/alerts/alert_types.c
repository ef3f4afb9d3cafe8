/* ntopng's alert constants. The flow alert ids, categories and default scores are those
 * ntopng's community build registers (FlowAlertsLoader); risk alerts take nDPI's score of
 * their risk. */
#include "alert_types.h"

#include <ndpi/ndpi_api.h>
#include <stddef.h>
#include <string.h>

enum alert_severity alert_score_to_severity(uint64_t score)
{
    if (score < ALERT_SCORE_INFO)
        return ALERT_SEV_NONE;
    if (score < ALERT_SCORE_NOTICE)
        return ALERT_SEV_INFO;
    if (score < ALERT_SCORE_WARNING)
        return ALERT_SEV_NOTICE;
    if (score < ALERT_SCORE_ERROR)
        return ALERT_SEV_WARNING;
    if (score < ALERT_SCORE_CRITICAL)
        return ALERT_SEV_ERROR;
    if (score < ALERT_SCORE_EMERGENCY)
        return ALERT_SEV_CRITICAL;
    return ALERT_SEV_EMERGENCY;
}

uint32_t alert_severity_to_score(enum alert_severity sev)
{
    switch (sev) {
    case ALERT_SEV_NONE:
    case ALERT_SEV_DEBUG:
    case ALERT_SEV_INFO:
        return ALERT_SCORE_INFO;
    case ALERT_SEV_NOTICE:
        return ALERT_SCORE_NOTICE;
    case ALERT_SEV_WARNING:
        return ALERT_SCORE_WARNING;
    case ALERT_SEV_ERROR:
        return ALERT_SCORE_ERROR;
    case ALERT_SEV_CRITICAL:
        return ALERT_SCORE_CRITICAL;
    default:
        return ALERT_SCORE_EMERGENCY;
    }
}

int alert_periodicity_seconds(int periodicity)
{
    static const int secs[ALERT_NUM_PERIODICITIES] = {0, 60, 300, 3600, 86400, 0};
    return periodicity >= 0 && periodicity < ALERT_NUM_PERIODICITIES ? secs[periodicity] : 0;
}

const char *alert_entity_table(int entity)
{
    switch (entity) {
    case ALERT_ENTITY_INTERFACE:
        return "interface_alerts";
    case ALERT_ENTITY_HOST:
        return "host_alerts";
    case ALERT_ENTITY_NETWORK:
        return "network_alerts";
    case ALERT_ENTITY_SNMP_DEVICE:
        return "snmp_alerts";
    case ALERT_ENTITY_FLOW:
        return "flow_alerts";
    case ALERT_ENTITY_MAC:
        return "mac_alerts";
    case ALERT_ENTITY_USER:
        return "user_alerts";
    case ALERT_ENTITY_AM_HOST:
        return "active_monitoring_alerts";
    case ALERT_ENTITY_SYSTEM:
        return "system_alerts";
    default:
        return NULL;
    }
}

#define SEC ALERT_CAT_SECURITY
#define NET ALERT_CAT_NETWORK
#define OTH ALERT_CAT_OTHER
#define INT ALERT_CAT_INTERNALS

/* Sorted by id. Risk alerts: nDPI 4.2 risks 1..41 (the risk field); the others are the
 * alerts of ntopng's C++ flow checks, with their fixed scores. */
static const struct flow_alert_type flow_alerts[] = {
    {1,   SEC, ALERT_SCORE_CRITICAL, 0,  "blacklisted"                         },
    {2,   SEC, ALERT_SCORE_ERROR,    0,  "blacklisted_country"                 },
    {4,   SEC, ALERT_SCORE_ERROR,    0,  "data_exfiltration"                   },
    {5,   SEC, ALERT_SCORE_ERROR,    0,  "device_protocol_not_allowed"         },
    {6,   SEC, ALERT_SCORE_WARNING,  0,  "dns_data_exfiltration"               },
    {7,   SEC, ALERT_SCORE_NOTICE,   0,  "dns_invalid_query"                   },
    {8,   SEC, ALERT_SCORE_WARNING,  0,  "elephant_flow"                       },
    {9,   SEC, ALERT_SCORE_WARNING,  0,  "blacklisted_client_contact"          },
    {10,  SEC, ALERT_SCORE_ERROR,    0,  "external"                            },
    {11,  SEC, ALERT_SCORE_NOTICE,   0,  "longlived"                           },
    {12,  NET, ALERT_SCORE_NOTICE,   0,  "low_goodput"                         },
    {13,  SEC, ALERT_SCORE_CRITICAL, 0,  "blacklisted_server_contact"          },
    {14,  INT, ALERT_SCORE_WARNING,  0,  "internals"                           },
    {16,  NET, ALERT_SCORE_NOTICE,   0,  "remote_to_remote"                    },
    {19,  SEC, ALERT_SCORE_ERROR,    0,  "tcp_packets_issues"                  },
    {20,  NET, ALERT_SCORE_NOTICE,   0,  "tcp_connection_refused"              },
    {22,  SEC, 0,                    9,  "tls_certificate_expired"             },
    {23,  SEC, 0,                    10, "tls_certificate_mismatch"            },
    {24,  SEC, 0,                    7,  "ndpi_tls_old_protocol_version"       },
    {25,  SEC, 0,                    8,  "tls_unsafe_ciphers"                  },
    {27,  SEC, ALERT_SCORE_WARNING,  0,  "web_mining_detected"                 },
    {28,  SEC, 0,                    6,  "tls_certificate_selfsigned"          },
    {29,  SEC, 0,                    4,  "binary_application_transfer"         },
    {30,  SEC, 0,                    5,  "known_proto_on_non_std_port"         },
    {32,  SEC, ALERT_SCORE_ERROR,    0,  "unexpected_dhcp_server"              },
    {33,  SEC, ALERT_SCORE_ERROR,    0,  "unexpected_dns_server"               },
    {34,  SEC, ALERT_SCORE_ERROR,    0,  "unexpected_smtp_server"              },
    {35,  SEC, ALERT_SCORE_ERROR,    0,  "unexpected_ntp_server"               },
    {36,  NET, ALERT_SCORE_NOTICE,   0,  "zero_tcp_window"                     },
    {37,  SEC, ALERT_SCORE_NOTICE,   0,  "iec_invalid_transition"              },
    {38,  SEC, ALERT_SCORE_ERROR,    0,  "remote_to_local_insecure_proto"      },
    {39,  SEC, 0,                    1,  "ndpi_url_possible_xss"               },
    {40,  SEC, 0,                    2,  "ndpi_url_possible_sql_injection"     },
    {41,  SEC, 0,                    3,  "ndpi_url_possible_rce_injection"     },
    {42,  SEC, 0,                    11, "ndpi_http_suspicious_user_agent"     },
    {43,  SEC, 0,                    12, "ndpi_numeric_ip_host"                },
    {44,  SEC, 0,                    13, "ndpi_http_suspicious_url"            },
    {45,  SEC, 0,                    14, "ndpi_http_suspicious_header"         },
    {46,  SEC, 0,                    15, "ndpi_tls_not_carrying_https"         },
    {47,  SEC, 0,                    16, "ndpi_suspicious_dga_domain"          },
    {48,  SEC, 0,                    17, "ndpi_malformed_packet"               },
    {49,  SEC, 0,                    19, "ndpi_ssh_obsolete_server"            },
    {50,  SEC, 0,                    20, "ndpi_smb_insecure_version"           },
    {51,  SEC, 0,                    21, "ndpi_tls_suspicious_esni_usage"      },
    {52,  SEC, 0,                    22, "ndpi_unsafe_protocol"                },
    {53,  SEC, 0,                    23, "ndpi_dns_suspicious_traffic"         },
    {54,  SEC, 0,                    24, "ndpi_tls_missing_sni"                },
    {55,  SEC, ALERT_SCORE_NOTICE,   0,  "iec_unexpected_type_id"              },
    {56,  NET, ALERT_SCORE_NOTICE,   0,  "tcp_no_data_exchanged"               },
    {57,  NET, ALERT_SCORE_NOTICE,   0,  "remote_access"                       },
    {60,  SEC, 0,                    32, "ndpi_tls_cert_validity_too_long"     },
    {61,  SEC, 0,                    18, "ndpi_ssh_obsolete_client"            },
    {62,  SEC, 0,                    36, "ndpi_clear_text_credentials"         },
    {63,  SEC, 0,                    25, "ndpi_http_suspicious_content"        },
    {64,  SEC, 0,                    37, "ndpi_dns_large_packet"               },
    {65,  SEC, 0,                    38, "ndpi_dns_fragmented"                 },
    {66,  SEC, 0,                    39, "ndpi_invalid_characters"             },
    {67,  SEC, ALERT_SCORE_ERROR,    0,  "broadcast_non_udp_traffic"           },
    {68,  SEC, 0,                    40, "ndpi_possible_exploit"               },
    {69,  SEC, 0,                    41, "ndpi_tls_certificate_about_to_expire"},
    {73,  SEC, 0,                    35, "ndpi_suspicious_entropy"             },
    {74,  SEC, ALERT_SCORE_NOTICE,   0,  "iec_invalid_command_transition"      },
    {75,  NET, ALERT_SCORE_WARNING,  0,  "connection_failed"                   },
    {78,  SEC, 0,                    30, "ndpi_desktop_or_file_sharing_session"},
    {79,  SEC, 0,                    28, "ndpi_malicious_fingerprint"          },
    {80,  SEC, 0,                    29, "ndpi_malicious_sha1_certificate"     },
    {81,  OTH, 0,                    31, "ndpi_tls_uncommon_alpn"              },
    {82,  SEC, 0,                    33, "ndpi_tls_suspicious_extension"       },
    {83,  OTH, 0,                    34, "ndpi_tls_fatal_alert"                },
    {85,  SEC, 0,                    26, "ndpi_risky_asn"                      },
    {86,  SEC, 0,                    27, "ndpi_risky_domain"                   },
    {87,  SEC, ALERT_SCORE_ERROR,    0,  "custom_lua_script"                   },
    {91,  SEC, ALERT_SCORE_ERROR,    0,  "vlan_bidirectional_traffic"          },
    {92,  NET, ALERT_SCORE_NOTICE,   0,  "rare_destination"                    },
    {93,  SEC, ALERT_SCORE_ERROR,    0,  "modbus_unexpected_function_code"     },
    {94,  SEC, ALERT_SCORE_ERROR,    0,  "modbus_too_many_exceptions"          },
    {95,  SEC, ALERT_SCORE_NOTICE,   0,  "modbus_invalid_transition"           },
    {100, NET, ALERT_SCORE_NOTICE,   0,  "tcp_flow_reset"                      },
};

#undef SEC
#undef NET
#undef OTH
#undef INT

#define NUM_FLOW_ALERTS (sizeof(flow_alerts) / sizeof(flow_alerts[0]))

const struct flow_alert_type *flow_alert_type_at(unsigned i)
{
    return i < NUM_FLOW_ALERTS ? &flow_alerts[i] : NULL;
}

const struct flow_alert_type *flow_alert_type_get(unsigned id)
{
    size_t lo = 0, hi = NUM_FLOW_ALERTS;
    while (lo < hi) {
        size_t mid = (lo + hi) / 2;
        if (flow_alerts[mid].id == id)
            return &flow_alerts[mid];
        if (flow_alerts[mid].id < id)
            lo = mid + 1;
        else
            hi = mid;
    }
    return NULL;
}

const struct flow_alert_type *flow_alert_type_for_risk(unsigned risk)
{
    if (risk == 0 || risk >= NDPI_MAX_RISK)
        return NULL;
    for (size_t i = 0; i < NUM_FLOW_ALERTS; i++)
        if (flow_alerts[i].risk == risk)
            return &flow_alerts[i];
    return NULL;
}

uint16_t flow_risk_score(unsigned risk, uint16_t *cli, uint16_t *srv)
{
    uint16_t c = 0, s = 0;
    if (risk > 0 && risk < NDPI_MAX_RISK)
        ndpi_risk2score((ndpi_risk)1 << risk, &c, &s);
    if (cli)
        *cli = c;
    if (srv)
        *srv = s;
    return (uint16_t)(c + s);
}

uint16_t flow_alert_default_score(const struct flow_alert_type *t)
{
    return t->risk ? flow_risk_score(t->risk, NULL, NULL) : t->score;
}

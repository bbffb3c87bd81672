// crm-analytics: segments, churn warnings, KPIs and cause tables, built from events.
// Its RPCs arrive with their issue; until then the process runs on the platform alone (health,
// /metrics, its own store) so the whole topology starts.
#include "platform/runtime/runtime.h"

int main(int argc, char** argv) {
  return crm::platform::RunServiceWithoutRpcs("analytics", argc, argv);
}

// crm-aftersales: complaints, returns, refunds, exchanges, repairs and reviews.
// Its RPCs arrive with their issue; until then the process runs on the platform alone (health,
// /metrics, its own store) so the whole topology starts.
#include "platform/runtime/runtime.h"

int main(int argc, char** argv) {
  return crm::platform::RunServiceWithoutRpcs("aftersales", argc, argv);
}

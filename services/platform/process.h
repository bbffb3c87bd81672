// What every process of the project does first: names itself in the logs, and turns off
// Abseil's mutex deadlock detection, which Debian's Abseil leaves on and which costs every
// absl::Mutex (gRPC's internal locks included) a graph update on each lock and unlock.
#pragma once

#include "absl/strings/string_view.h"

namespace crm::platform {

void InitProcess(absl::string_view name);

}  // namespace crm::platform

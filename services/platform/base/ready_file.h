// The ready file: a flat JSON object of strings a process writes once it serves, so scripts and
// tests learn its addresses (ports may be picked at random) without parsing logs. Written to a
// temporary name and renamed, so a reader never sees half of it.
//
//   WriteReadyFile("/run/crm/customers.ready.json", {{"grpc", "127.0.0.1:50051"}});
#pragma once

#include <string>
#include <utility>
#include <vector>

#include "absl/status/status.h"

namespace crm::platform {

// Errors: INTERNAL when the file cannot be written.
absl::Status WriteReadyFile(const std::string& path,
                            const std::vector<std::pair<std::string, std::string>>& fields);

}  // namespace crm::platform

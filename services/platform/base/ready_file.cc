#include "platform/base/ready_file.h"

#include <filesystem>
#include <fstream>

#include "absl/strings/str_cat.h"
#include "platform/base/log.h"

namespace crm::platform {

absl::Status WriteReadyFile(const std::string& path,
                            const std::vector<std::pair<std::string, std::string>>& fields) {
  std::string json = "{";
  for (size_t i = 0; i < fields.size(); ++i) {
    absl::StrAppend(&json, i ? "," : "", JsonQuote(fields[i].first), ":",
                    JsonQuote(fields[i].second));
  }
  json += "}\n";
  std::string tmp = absl::StrCat(path, ".tmp");
  {
    std::ofstream out(tmp, std::ios::trunc);
    out << json;
    if (!out) return absl::InternalError(absl::StrCat("cannot write ", tmp));
  }
  std::error_code ec;
  std::filesystem::rename(tmp, path, ec);
  if (ec) return absl::InternalError(absl::StrCat("cannot write ", path, ": ", ec.message()));
  return absl::OkStatus();
}

}  // namespace crm::platform

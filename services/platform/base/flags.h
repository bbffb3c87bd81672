// Command-line flags with environment fallbacks, validated at start.
//
//   Flags flags("customers", argc, argv);
//   std::string dir = flags.String("data-dir", "", "RocksDB directory (required)");
//   int64_t cap = flags.Int("outbox-cap", 100000, "events waiting before writes fail", 1, 1e9);
//   if (absl::Status s = flags.Finish(); !s.ok()) { ...print s, exit 2... }
//
// A flag `--data-dir` is read from `--data-dir=V` or `--data-dir V`, else from the environment
// as CRM_CUSTOMERS_DATA_DIR, else CRM_DATA_DIR, else the default. Finish() reports unknown
// flags, malformed values and missing required ones, all at once. Not thread-safe.
#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/strings/string_view.h"

namespace crm::platform {

class Flags {
 public:
  Flags(absl::string_view service, int argc, const char* const* argv);

  std::string String(absl::string_view name, absl::string_view default_value,
                     absl::string_view help);
  // Like String, but Finish() fails when no value was given anywhere.
  std::string RequiredString(absl::string_view name, absl::string_view help);
  int64_t Int(absl::string_view name, int64_t default_value, absl::string_view help, int64_t min,
              int64_t max);
  // "true"/"false"/"1"/"0"; a bare `--name` means true.
  bool Bool(absl::string_view name, bool default_value, absl::string_view help);

  // OK when every given flag was known and valid. InvalidArgument lists every problem.
  // When --help was given: FailedPrecondition whose message is the usage text.
  absl::Status Finish();

 private:
  // The raw value of `name` from argv, then the environment; false when absent.
  bool Lookup(absl::string_view name, std::string* value);
  void Describe(absl::string_view name, absl::string_view default_value, absl::string_view help);

  std::string service_;
  std::map<std::string, std::string, std::less<>> given_;  // from argv
  std::map<std::string, bool, std::less<>> known_;
  std::vector<std::string> errors_;
  std::string usage_;
  bool help_ = false;
};

}  // namespace crm::platform
